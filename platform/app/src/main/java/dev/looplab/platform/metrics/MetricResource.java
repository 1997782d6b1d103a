package dev.looplab.platform.metrics;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.rest.Params;

import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** A trial's training curves: which series it has, and each series thinned for plotting. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/trials/{id}/metrics")
@Produces(MediaType.APPLICATION_JSON)
public class MetricResource {
    static final int MAX_POINTS_LIMIT = 100_000;

    @Inject
    TrialRepository trials;
    @Inject
    MetricRepository metrics;

    /** The series of the trial's latest attempt with points (or of {@code attempt}). */
    @GET
    public TrialMetrics list(@PathParam("id") String id, @QueryParam("attempt") String attempt) {
        int chosen = attemptOf(id, attempt);
        return new TrialMetrics(id, chosen, metrics.summaries(id, chosen));
    }

    /** One series in step order, at most {@code max_points} of it, always with its first and last point. */
    @GET
    @Path("/{name}")
    public MetricSeries series(@PathParam("id") String id, @PathParam("name") String name,
                               @QueryParam("max_points") String maxPointsText,
                               @QueryParam("attempt") String attempt) {
        int maxPoints = Params.wholeNumber("max_points", maxPointsText, 4, MAX_POINTS_LIMIT, 1000);
        int chosen = attemptOf(id, attempt);
        MetricSeries series = metrics.series(id, chosen, name, maxPoints);
        if (series.totalPoints() == 0) {
            throw new NotFoundException("trial " + id + " attempt " + chosen + " has no metric '" + name
                    + "': GET /api/trials/" + id + "/metrics lists its series");
        }
        return series;
    }

    private int attemptOf(String id, String attemptText) {
        Integer attempt = attemptText == null ? null : Params.wholeNumber("attempt", attemptText, 1, Integer.MAX_VALUE, null);
        int recorded = QuarkusTransaction.requiringNew().call(() -> trials.findByIdOptional(id)
                .orElseThrow(() -> new NotFoundException("unknown trial '" + id + "'")).attempt);
        if (attempt != null) {
            return attempt;
        }
        return metrics.latestAttempt(id).orElse(recorded);
    }

    /** The series of one attempt at a trial. */
    public record TrialMetrics(String trialId, int attempt, List<MetricSummary> series) {
    }
}
