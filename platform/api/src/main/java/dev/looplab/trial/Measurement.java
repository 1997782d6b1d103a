package dev.looplab.trial;

import java.util.Map;

/**
 * What an evaluator measured for one trial attempt. {@code status} is {@link TrialStatus#scored} when
 * a score exists; keep or discard is decided later by {@link KeepRule} against the current best.
 */
public record Measurement(
        TrialStatus status,
        Double score,
        Direction direction,
        Map<String, Double> metrics,
        double trainSeconds,
        double evalSeconds,
        long artifactBytes,
        long seed,
        String evaluator,
        String evaluatorVersion,
        String dataSha256,
        String feedback) {

    public Measurement {
        if (status == null) {
            throw new IllegalArgumentException("status is required");
        }
        if (status == TrialStatus.scored && score == null) {
            throw new IllegalArgumentException("a scored measurement needs a score");
        }
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
