package dev.looplab.platform.browse;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.lineage.LineageException;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialNode;
import dev.looplab.lineage.UnknownTrialException;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.rest.ErrorBody;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.TrialStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A trial's place in the lineage, its recipe at its commit and its diffs: read from the task's lineage store. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/trials/{id}")
@Tag(name = "browse")
public class TrialBrowseResource {
    static final int MAX_TEXT_BYTES = 512 * 1024;

    @Inject
    TrialRepository trials;
    @Inject
    LineageService lineage;
    @Inject
    BrowseQueries queries;

    /** One trial of a chain, with the status Postgres has for it now. */
    public record ChainNode(String id, String parent, int depth, String specialist, TrialStatus status, Double score,
                            String hypothesis) {
    }

    @GET
    @Path("/chain")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The trial and its ancestors, root first",
            description = "A rerun (noise run, replay, confirmation) answers with the chain of the trial whose commit it ran.")
    public List<ChainNode> chain(@PathParam("id") String id) {
        Trial trial = committed(id);
        List<TrialNode> rows = read(() -> lineage.store(trial.task).chainRows(lineageId(trial)));
        record Known(TrialStatus status, Double score, String hypothesis) {
        }
        String[] ids = rows.stream().map(TrialNode::trialId).toArray(String[]::new);
        Map<String, Known> known = queries.query("select id, status, score, hypothesis from trial where id = any (?)",
                List.<Object>of((Object) ids), rs -> {
                    Map<String, Known> out = new HashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), new Known(TrialStatus.of(rs.getString(2)).orElse(null),
                                BrowseQueries.nullableDouble(rs, 3), rs.getString(4)));
                    }
                    return out;
                });
        List<ChainNode> out = new ArrayList<>(rows.size());
        for (TrialNode row : rows) {
            Known k = known.get(row.trialId());
            out.add(new ChainNode(row.trialId(), row.parentTrialId(), row.depth(), row.specialist(),
                    k != null && k.status() != null ? k.status() : row.status(),
                    k != null && k.score() != null ? k.score() : row.score(), k == null ? null : k.hypothesis()));
        }
        return out;
    }

    @GET
    @Path("/diff")
    @Produces("text/x-diff")
    @Operation(summary = "The unified diff of the trial's recipe against its parent, the campaign's best, or another trial",
            description = "git's format (histogram diff, 3 lines of context); empty when nothing differs.")
    public Response diff(@PathParam("id") String id,
                         @Parameter(description = "parent (default), best, or the id of another trial of the task")
                         @QueryParam("against") String against) {
        Trial trial = committed(id);
        LineageStore store = lineage.store(trial.task);
        String self = lineageId(trial);
        String reference = against == null || against.isBlank() ? "parent" : against.strip();
        try {
            String diff = switch (reference) {
                case "parent" -> store.diffAgainstParent(self);
                case "best" -> store.diffAgainstBest(trial.campaignId, self);
                default -> {
                    Trial other = committed(reference);
                    if (!other.task.equals(trial.task)) {
                        throw new WebApplicationException(ErrorBody.of(400, "trial " + reference + " is of task "
                                + other.task + ", trial " + id + " of " + trial.task
                                + ": diff trials of one task (one lineage)"));
                    }
                    yield store.diffBetween(lineageId(other), self);
                }
            };
            return Response.ok(diff, "text/x-diff; charset=UTF-8").build();
        } catch (UnknownTrialException e) {
            throw new NotFoundException(e.getMessage());
        } catch (LineageException e) {
            if (e instanceof dev.looplab.lineage.LineageIoException) {
                throw e;
            }
            // a campaign without a best yet: the store's message says to diff against the parent
            throw new WebApplicationException(ErrorBody.of(409, e.getMessage()));
        }
    }

    @GET
    @Path("/recipe")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every file of the trial's recipe at its commit, with its text (files over 512 KiB without)")
    public RecipeFiles recipe(@PathParam("id") String id) {
        Trial trial = committed(id);
        Map<String, String> files = read(() -> lineage.store(trial.task).readFiles(lineageId(trial)));
        List<RecipeFiles.File> out = new ArrayList<>();
        files.forEach((path, text) -> {
            long bytes = text.getBytes(StandardCharsets.UTF_8).length;
            out.add(new RecipeFiles.File(path, bytes, bytes > MAX_TEXT_BYTES ? null : text));
        });
        return new RecipeFiles(id, trial.task, trial.commitId, out);
    }

    /**
     * The trial whose commit this one ran: itself, or for a rerun (noise run, replay, confirmation) the trial it
     * measured again.
     */
    static String lineageId(Trial trial) {
        if (trial.isRerun()) {
            return trial.replayOf != null ? trial.replayOf : trial.parentTrialId != null ? trial.parentTrialId : trial.id;
        }
        return trial.id;
    }

    /** A lineage read; a trial the lineage does not know is a 404. */
    private static <T> T read(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (UnknownTrialException e) {
            throw new NotFoundException(e.getMessage());
        }
    }

    /** The trial's row; 404 when there is none or it has no commit (refused before it was written). */
    private Trial committed(String id) {
        Trial trial = QuarkusTransaction.requiringNew().call(() -> trials.findByIdOptional(id)
                .orElseThrow(() -> new NotFoundException("unknown trial '" + id + "'")));
        if (trial.commitId == null) {
            throw new NotFoundException("trial " + id + " has no commit (status " + trial.status
                    + "): it was refused before it was written to the lineage");
        }
        return trial;
    }
}
