package dev.looplab.platform.browse;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
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
    public List<CampaignSummary> summaries() {
        return stats.summaries();
    }
}
