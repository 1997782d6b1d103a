package dev.looplab.events;

import dev.looplab.evaluation.Measurement;

import java.util.List;

/**
 * Progress of one attempt at a trial on {@code looplab.trial-events}, keyed by trial id.
 * {@code measurement} and {@code artifacts} are set only on {@link Type#FINISHED}.
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
        List<ArtifactRef> artifacts) {

    public static final int SCHEMA = 1;

    /** Lifecycle points a worker reports. */
    public enum Type { STARTED, EVALUATING, FINISHED }
}
