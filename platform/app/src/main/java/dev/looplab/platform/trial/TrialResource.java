package dev.looplab.platform.trial;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.rest.Params;

import dev.looplab.lineage.NoSuchTrialFileException;
import dev.looplab.lineage.UnknownTrialException;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.messaging.LiveUpdates;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;

/** Trials for the trial browser and for proposers, newest first. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/trials")
@Produces(MediaType.APPLICATION_JSON)
public class TrialResource {
    private static final int MAX_LIMIT = 1000;

    @Inject
    TrialRepository trials;
    @Inject
    ArtifactRepository artifacts;
    @Inject
    LineageService lineage;
    @Inject
    LiveUpdates live;

    @GET
    public List<TrialView> list(@QueryParam("campaign") String campaign,
                                @QueryParam("limit") String limit) {
        int bounded = Params.wholeNumber("limit", limit, 1, MAX_LIMIT, 200);
        return QuarkusTransaction.requiringNew().call(() -> trials.listNewestFirst(campaign, bounded).stream()
                .map(t -> TrialView.of(t, List.of())).toList());
    }

    @GET
    @Path("/{id}")
    public TrialView trial(@PathParam("id") String id) {
        return QuarkusTransaction.requiringNew().call(() -> TrialView.of(find(id), artifacts.listForTrial(id)));
    }

    /** One file of the trial's recipe exactly as the worker ran it. */
    @GET
    @Path("/{id}/files/{path: .+}")
    @Produces(MediaType.TEXT_PLAIN)
    public String file(@PathParam("id") String id, @PathParam("path") String path) {
        Trial trial = QuarkusTransaction.requiringNew().call(() -> find(id));
        if (trial.commitId == null) {
            throw new NotFoundException("trial " + id + " has no commit (status " + trial.status + ")");
        }
        try {
            return lineage.store(trial.task).readFile(id, path);
        } catch (NoSuchTrialFileException | UnknownTrialException e) {
            throw new NotFoundException("trial " + id + " has no file '" + path + "': " + e.getMessage());
        }
    }

    /** Server-sent events: one per trial change, so a browser redraws without polling. */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<LiveUpdates.TrialChange> stream() {
        return live.stream();
    }

    private Trial find(String id) {
        return trials.findByIdOptional(id).orElseThrow(() -> new NotFoundException("unknown trial '" + id + "'"));
    }
}
