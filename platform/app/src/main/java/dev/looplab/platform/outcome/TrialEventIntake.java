package dev.looplab.platform.outcome;

import dev.looplab.events.Json;
import dev.looplab.events.TrialEvent;
import dev.looplab.platform.metrics.MetricIngest;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes {@code looplab.trial-events} from workers. */
@ApplicationScoped
public class TrialEventIntake {
    private static final Logger LOG = Logger.getLogger(TrialEventIntake.class);

    @Inject
    OutcomeService outcomes;
    @Inject
    MetricIngest metrics;

    @Incoming("trial-events")
    @Blocking(ordered = true)
    public void onTrialEvent(String payload) {
        TrialEvent event;
        try {
            event = Json.read(payload, TrialEvent.class);
        } catch (Json.MalformedEventException e) {
            LOG.warnf("skipping a trial event that is not valid JSON (%s): %.200s", e.getMessage(), payload);
            return;
        }
        if (event.type() == TrialEvent.Type.METRICS) {
            ingestMetrics(event);
            return;
        }
        outcomes.apply(event);
    }

    /** Points are informational: a batch that cannot be stored is logged and skipped, never retried forever. */
    private void ingestMetrics(TrialEvent event) {
        try {
            metrics.ingest(event);
        } catch (RuntimeException e) {
            LOG.warnf("skipping %d metric points of trial %s: %s", event.points() == null ? 0 : event.points().size(),
                    event.trialId(), e.getMessage());
        }
    }
}
