package dev.looplab.platform.campaign;

import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** What a proposer or a person needs to know about a campaign right now. */
@Path("/api/campaigns")
@Produces(MediaType.APPLICATION_JSON)
public class CampaignResource {

    /** The campaign's state: its best trial, how many trials are still running, and its trials' budget. */
    public record CampaignView(String campaign, String task, String rootTrialId, String bestTrialId,
                               Double bestScore, String direction, long inFlight, long recorded,
                               int trainBudgetSeconds) {
    }

    @Inject
    CampaignRepository campaigns;
    @Inject
    TrialRepository trials;
    @Inject
    RunScheduler runs;

    @GET
    @Path("/{id}")
    public CampaignView campaign(@PathParam("id") String id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = campaigns.findByIdOptional(id).orElseThrow(() ->
                    new NotFoundException("unknown campaign '" + id + "'"));
            String direction = c.bestTrialId == null ? null : trials.findById(c.bestTrialId).direction;
            return new CampaignView(c.id, c.task, c.rootTrialId, c.bestTrialId, c.bestScore, direction,
                    trials.countInFlight(c.id), trials.countRecorded(c.id), runs.trainBudgetSeconds(c.task));
        });
    }
}
