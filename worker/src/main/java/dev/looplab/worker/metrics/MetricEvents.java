package dev.looplab.worker.metrics;

import dev.looplab.events.MetricPoint;
import dev.looplab.events.TrialEvent;

import java.util.List;

/** Builds the METRICS events that carry a batch of a trial's points to the platform. */
public final class MetricEvents {
    private MetricEvents() {
    }

    public static TrialEvent batch(String trialId, int attempt, String worker, List<MetricPoint> points) {
        return new TrialEvent(TrialEvent.SCHEMA, trialId, attempt, TrialEvent.Type.METRICS, worker,
                System.currentTimeMillis(), points.size() + " metric points", null, null, points, null);
    }
}
