package dev.looplab.platform.browse;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Every campaign with the numbers of the campaigns list. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/campaign-summaries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "browse")
public class CampaignSummaryResource {
    @Inject
    CampaignStats stats;

    @GET
    @Operation(summary = "Every campaign (imported histories too), oldest first: task, best, trials, pace, in flight,"
            + " workers and a best-so-far sparkline")
    @APIResponse(responseCode = "200", description = "the summaries (one with 'campaign')")
    @APIResponse(responseCode = "404", description = "'campaign' names no campaign")
    public List<CampaignSummary> summaries(
            @Parameter(description = "only this campaign's summary (its overview needs no other)")
            @QueryParam("campaign") String campaign) {
        String only = campaign == null || campaign.isBlank() ? null : campaign.strip();
        List<CampaignSummary> out = stats.summaries(only);
        if (only != null && out.isEmpty()) {
            throw new NotFoundException("unknown campaign '" + only + "': GET /api/campaign-summaries lists the campaigns");
        }
        return out;
    }
}
