package dev.looplab.events;

import dev.looplab.trial.Measurement;

import java.util.List;

/**
 * Progress of one attempt at a trial on {@code looplab.trial-events}, keyed by trial id.
 * {@code measurement}, {@code artifacts} and {@code environment} (the attempt's fingerprint: JDK,
 * DJL and libtorch versions, CPU, threads, OS, seeds, data hashes, command, budget) are set only on
 * {@link Type#FINISHED}; {@code points} only on {@link Type#METRICS}.
 */
public record TrialEvent(
        int schema,
        String trialId,
        int attempt,
        Type type,
        String worker,
        long atMs,
        String message,
        Measurement measurement,
        List<ArtifactRef> artifacts,
        List<MetricPoint> points,
        java.util.Map<String, String> environment) {

    public static final int SCHEMA = 1;

    public TrialEvent {
        if (trialId == null || trialId.isBlank()) {
            throw new IllegalArgumentException("a trial event needs trialId");
        }
        if (type == null) {
            throw new IllegalArgumentException("trial event of trial " + trialId + " needs a type: one of "
                    + java.util.Arrays.toString(Type.values()));
        }
    }

    /** A lifecycle event without metric points or fingerprint. */
    public TrialEvent(int schema, String trialId, int attempt, Type type, String worker, long atMs, String message,
                      Measurement measurement, List<ArtifactRef> artifacts) {
        this(schema, trialId, attempt, type, worker, atMs, message, measurement, artifacts, null, null);
    }

    /**
     * Lifecycle points a worker reports. HEARTBEAT renews the worker's lease on the attempt;
     * METRICS carries a batch of training-curve points.
     */
    public enum Type { STARTED, HEARTBEAT, METRICS, EVALUATING, FINISHED }
}
