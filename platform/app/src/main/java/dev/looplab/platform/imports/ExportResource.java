package dev.looplab.platform.imports;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.importer.HistoryExporter;
import dev.looplab.lineage.importer.ImportException;
import dev.looplab.lineage.importer.ImportFormat;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.security.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * {@code GET /api/exports/{campaign}?format=arr|autoresearch}: the campaign in another tool's layout, as
 * {@code {"files": {"results.tsv": "...", "tree.tsv": "..."}}} for {@code looplab export} to write.
 */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/exports")
public class ExportResource {
    @Inject
    CampaignRepository campaigns;
    @Inject
    LineageService lineage;

    @GET
    @Path("{campaign}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response export(@PathParam("campaign") String campaignId, @QueryParam("format") String format) {
        try {
            ImportFormat layout = ImportFormat.parse(format == null ? "arr" : format);
            Campaign campaign = QuarkusTransaction.requiringNew().call(() -> campaigns.findById(campaignId));
            if (campaign == null) {
                return Response.status(404).entity(Map.of("error", "campaign " + campaignId + " is not known;"
                        + " looplab campaigns lists them")).build();
            }
            LineageStore store = lineage.store(campaign.task);
            return Response.ok(Map.of("files", HistoryExporter.export(store, campaignId, layout))).build();
        } catch (ImportException e) {
            return Response.status(422).entity(Map.of("error", e.getMessage())).build();
        }
    }
}
