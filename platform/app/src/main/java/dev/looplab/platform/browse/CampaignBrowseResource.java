package dev.looplab.platform.browse;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.rest.Params;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** A campaign's trials and numbers as the trial browser shows them: read only. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/campaigns/{campaign}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "browse", description = "Read-only views of campaigns and trials for the trial browser")
public class CampaignBrowseResource {
    static final int MAX_PAGE_SIZE = 500;

    @Inject
    CampaignRepository campaigns;
    @Inject
    BrowseQueries queries;
    @Inject
    CampaignStats stats;
    @Inject
    LineageTrees trees;

    @GET
    @Path("/trials")
    @Operation(summary = "One page of the campaign's trials, filtered and sorted on the server",
            description = "Every filter is optional and they combine with AND; list values are comma separated."
                    + " The Server-Timing header says how long the database took (db;dur=milliseconds).")
    @APIResponse(responseCode = "200", description = "the page",
            content = @Content(schema = @Schema(implementation = TrialPage.class)))
    @APIResponse(responseCode = "400", description = "a parameter out of range, named in the error")
    @APIResponse(responseCode = "404", description = "unknown campaign")
    public Response trials(@PathParam("campaign") String campaign,
                           @Parameter(description = "statuses, or the groups in_flight and failure") @QueryParam("status") String status,
                           @Parameter(description = "specialists") @QueryParam("specialist") String specialist,
                           @Parameter(description = "surfaces") @QueryParam("surface") String surface,
                           @Parameter(description = "kinds: root, proposal, noise, replay") @QueryParam("kind") String kind,
                           @Parameter(description = "lowest score") @QueryParam("min_score") String minScore,
                           @Parameter(description = "highest score") @QueryParam("max_score") String maxScore,
                           @Parameter(description = "words of the hypothesis or feedback (each a word prefix, all must occur)") @QueryParam("q") String q,
                           @Parameter(description = "only these trial ids") @QueryParam("ids") String ids,
                           @Parameter(description = "created (default: newest first), recorded, score, delta_parent, delta_best, specialist, status, train_seconds; a leading - sorts descending") @QueryParam("sort") String sort,
                           @Parameter(description = "page number from 0") @QueryParam("page") String page,
                           @Parameter(description = "rows per page, 1 to 500 (default 50)") @QueryParam("size") String size) {
        TrialFilter filter = TrialFilter.parse(status, specialist, surface, kind, minScore, maxScore, q, ids, sort);
        int pageNumber = Params.wholeNumber("page", page, 0, 1_000_000, 0);
        int pageSize = Params.wholeNumber("size", size, 1, MAX_PAGE_SIZE, 50);
        Campaign c = find(campaign);
        long start = System.nanoTime();
        List<TrialRow> rows = queries.page(c.id, filter, pageNumber, pageSize);
        long total = pageNumber == 0 && rows.size() < pageSize ? rows.size() : queries.count(c.id, filter);
        return Response.ok(new TrialPage(c.id, total, pageNumber, pageSize, filter.order().text(), rows))
                .header("Server-Timing", serverTiming(start)).build();
    }

    @GET
    @Path("/trials.csv")
    @Produces("text/csv")
    @Operation(summary = "The campaign's trials as CSV, under the same filters and order as /trials, every row",
            description = "RFC 4180; text that a spreadsheet would run as a formula starts with an apostrophe.")
    public Response csv(@PathParam("campaign") String campaign, @QueryParam("status") String status,
                        @QueryParam("specialist") String specialist, @QueryParam("surface") String surface,
                        @QueryParam("kind") String kind, @QueryParam("min_score") String minScore,
                        @QueryParam("max_score") String maxScore, @QueryParam("q") String q,
                        @QueryParam("ids") String ids, @QueryParam("sort") String sort) {
        TrialFilter filter = TrialFilter.parse(status, specialist, surface, kind, minScore, maxScore, q, ids, sort);
        Campaign c = find(campaign);
        StreamingOutput body = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            TrialCsv csv = new TrialCsv(writer);
            csv.header();
            queries.forEachExported(c.id, filter, csv::row);
            writer.flush();
        };
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + fileName(c.id) + "-trials.csv\"").build();
    }

    @GET
    @Path("/specialists")
    @Operation(summary = "Per specialist: trials, keeps, keep rate, total and mean gain, crashes, failures, in flight")
    public List<SpecialistStats> specialists(@PathParam("campaign") String campaign) {
        return stats.specialists(find(campaign));
    }

    @GET
    @Path("/statuses")
    @Operation(summary = "How many of the campaign's trials are in each status (statuses without trials are absent)")
    public List<StatusCount> statuses(@PathParam("campaign") String campaign) {
        return stats.statuses(find(campaign).id);
    }

    @GET
    @Path("/best-so-far")
    @Operation(summary = "The best score after each recorded trial, over trial index and time, with keeps and the noise floor")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = BestSoFar.class)))
    public Response bestSoFar(@PathParam("campaign") String campaign,
                               @Parameter(description = "at most this many scored points, 10 to 100000, default 2000; every keep is among them unless keeps"
                                       + " alone would fill more than half (then each stretch's first and last keep)")
                               @QueryParam("max_points") String maxPoints) {
        long start = System.nanoTime();
        int bounded = Params.wholeNumber("max_points", maxPoints, 10, 100_000, 2_000);
        BestSoFar series = stats.bestSoFar(find(campaign), bounded);
        return Response.ok(series).header("Server-Timing", serverTiming(start)).build();
    }

    @GET
    @Path("/tree")
    @Operation(summary = "The campaign's lineage tree as rows, root first, with status, score and the chain from the root to the best;"
            + " folded to at most 'limit' nodes, or the subtree 'under' a trial")
    public Response tree(@PathParam("campaign") String campaign,
                         @Parameter(description = "at most this many nodes drawn; a larger tree comes with subtrees folded"
                                 + " (a folded node's 'hidden' counts what it holds), 1 to 1000000, default 10000")
                         @QueryParam("limit") String limit,
                         @Parameter(description = "only the subtree of this trial (to unfold a folded node)")
                         @QueryParam("under") String under) {
        long start = System.nanoTime();
        int bounded = Params.wholeNumber("limit", limit, 1, 1_000_000, 10_000);
        LineageTree tree = trees.tree(find(campaign), bounded, under == null || under.isBlank() ? null : under.trim());
        return Response.ok(tree).header("Server-Timing", serverTiming(start)).build();
    }

    private Campaign find(String id) {
        return QuarkusTransaction.requiringNew().call(() -> campaigns.findByIdOptional(id)
                .orElseThrow(() -> new NotFoundException("unknown campaign '" + id
                        + "': GET /api/campaign-summaries lists the campaigns")));
    }

    static String serverTiming(long startNanos) {
        return String.format(Locale.ROOT, "db;dur=%.1f", (System.nanoTime() - startNanos) / 1e6);
    }

    private static String fileName(String campaign) {
        return campaign.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
