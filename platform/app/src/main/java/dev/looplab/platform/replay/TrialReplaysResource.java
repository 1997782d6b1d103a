package dev.looplab.platform.replay;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** {@code POST /api/trials/{id}/replays} queues a replay of the trial; {@code GET} lists its replays. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/trials/{id}/replays")
@Produces(MediaType.APPLICATION_JSON)
public class TrialReplaysResource {

    @Inject
    ReplayService replayService;
    @Inject
    ReplayRepository replays;
    @Inject
    TrialRepository trials;

    @RolesAllowed(Role.Names.ADMIN)
    @POST
    public Response replay(@PathParam("id") String trialId) {
        try {
            Replay r = replayService.requestReplay(trialId);
            return Response.accepted(ReplayResource.view(replays, trials, r.trialId)).build();
        } catch (ReplayService.ReplayRefusedException e) {
            return Response.status(409).entity(Map.of("error", e.getMessage())).build();
        }
    }

    @GET
    public List<ReplayView> replaysOf(@PathParam("id") String trialId) {
        return QuarkusTransaction.requiringNew().call(() -> replays.listForOriginal(trialId).stream()
                .map(r -> ReplayView.of(r, trials.findById(r.trialId))).toList());
    }
}
