package dev.looplab.platform.campaign;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.lineage.LineageService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Campaigns for researchers and proposers: list, start, pause, resume and stop them; what a proposer on another
 * machine needs to search one (its view, its lineage as rows, its knowledge summary).
 */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/campaigns")
@Produces(MediaType.APPLICATION_JSON)
public class CampaignResource {
    /** Knowledge is a short summary; the lineage store refuses more than 256 KiB, this endpoint more than 64. */
    static final int MAX_KNOWLEDGE_BYTES = 64 * 1024;
    public static final String MARKDOWN = "text/markdown";

    @Inject
    CampaignRepository campaigns;
    @Inject
    CampaignService service;
    @Inject
    CampaignViews views;
    @Inject
    CampaignLineage lineageRows;
    @Inject
    LineageService lineage;

    @GET
    public List<CampaignView> list() {
        return QuarkusTransaction.requiringNew().call(views::all);
    }

    /** Starts a campaign: 201 with its view, 200 when it already ran that task, 400/409 with the reason otherwise. */
    @RolesAllowed(Role.Names.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(CampaignSpec spec) {
        return answer(service.startAndSchedule(spec), 201);
    }

    @GET
    @Path("/{id}")
    public CampaignView campaign(@PathParam("id") String id) {
        return QuarkusTransaction.requiringNew().call(() -> views.of(find(id)));
    }

    @RolesAllowed(Role.Names.ADMIN)
    @POST
    @Path("/{id}/pause")
    public Response pause(@PathParam("id") String id) {
        return answer(service.pause(id), 200);
    }

    @RolesAllowed(Role.Names.ADMIN)
    @POST
    @Path("/{id}/resume")
    public Response resume(@PathParam("id") String id) {
        return answer(service.resume(id), 200);
    }

    @RolesAllowed(Role.Names.ADMIN)
    @POST
    @Path("/{id}/stop")
    public Response stop(@PathParam("id") String id) {
        return answer(service.stop(id, null), 200);
    }

    /** The campaign's trials as rows, oldest first, starting with the task's root. */
    @GET
    @Path("/{id}/lineage")
    public List<LineageRow> lineage(@PathParam("id") String id) {
        return QuarkusTransaction.requiringNew().call(() -> lineageRows.rows(find(id)));
    }

    /** The knowledge summary the meta agent keeps, as stored in the lineage ({@code KNOWLEDGE.md}). */
    @GET
    @Path("/{id}/knowledge")
    @Produces({MARKDOWN, MediaType.APPLICATION_JSON})
    public Response knowledge(@PathParam("id") String id) {
        Campaign campaign = QuarkusTransaction.requiringNew().call(() -> find(id));
        return lineage.store(campaign.task).knowledge(campaign.id)
                .map(text -> Response.ok(text, MARKDOWN + "; charset=UTF-8").build())
                .orElseGet(() -> error(404, "campaign '" + id + "' has no knowledge summary yet; its meta agent"
                        + " writes one as outcomes arrive (PUT /api/campaigns/" + id + "/knowledge)"));
    }

    /** Replaces the knowledge summary: a new commit of {@code KNOWLEDGE.md} on {@code refs/heads/knowledge/<id>}. */
    @RolesAllowed(Role.Names.AGENT)
    @PUT
    @Path("/{id}/knowledge")
    @Consumes({MARKDOWN, MediaType.TEXT_PLAIN})
    public Response putKnowledge(@PathParam("id") String id, String markdown) {
        Campaign campaign = QuarkusTransaction.requiringNew().call(() -> find(id));
        if (markdown == null || markdown.isBlank()) {
            return error(400, "the knowledge summary is empty: send Markdown (Content-Type: text/markdown)");
        }
        int bytes = markdown.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KNOWLEDGE_BYTES) {
            return error(413, "the knowledge summary is " + bytes + " bytes; keep it under " + MAX_KNOWLEDGE_BYTES
                    + " bytes (a summary, not a log)");
        }
        String commit = lineage.store(campaign.task).putKnowledge(campaign.id, markdown);
        return Response.ok(Map.of("campaign", campaign.id, "commit", commit)).build();
    }

    private Response answer(CampaignService.Change change, int createdStatus) {
        if (change instanceof CampaignService.Done done) {
            CampaignView view = QuarkusTransaction.requiringNew().call(() -> views.of(find(done.campaign().id)));
            return Response.status(done.created() ? createdStatus : 200).entity(view).build();
        }
        int status = change instanceof CampaignService.Unknown ? 404
                : change instanceof CampaignService.Conflict ? 409 : 400;
        return error(status, CampaignService.message(change));
    }

    private Campaign find(String id) {
        return campaigns.findByIdOptional(id).orElseThrow(() -> new NotFoundException("unknown campaign '" + id + "'"));
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
