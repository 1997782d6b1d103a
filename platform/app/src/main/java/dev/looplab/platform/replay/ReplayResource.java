package dev.looplab.platform.replay;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/replays/{id}}: a replay and, once it ran, its verdict. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/replays")
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {

    @Inject
    ReplayRepository replays;
    @Inject
    TrialRepository trials;

    @GET
    @Path("/{id}")
    public ReplayView replay(@PathParam("id") String replayTrialId) {
        return view(replays, trials, replayTrialId);
    }

    static ReplayView view(ReplayRepository replays, TrialRepository trials, String replayTrialId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Replay r = replays.findByIdOptional(replayTrialId)
                    .orElseThrow(() -> new NotFoundException("unknown replay '" + replayTrialId + "'"));
            return ReplayView.of(r, trials.findById(r.trialId));
        });
    }
}
