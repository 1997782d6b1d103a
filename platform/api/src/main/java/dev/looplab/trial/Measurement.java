package dev.looplab.trial;

import java.util.Map;

/**
 * What an evaluator measured for one trial attempt. {@code status} is {@link TrialStatus#scored} when
 * a score exists; keep or discard is decided later by {@link KeepRule} against the current best.
 * {@code testScore} is the task's number on its test slice, which no keep decision reads: the platform
 * records it only for a trial that becomes the campaign's best (null when the task has no test slice or
 * the trial was not scored).
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
        String feedback,
        Double testScore) {

    public Measurement {
        if (status == null) {
            throw new IllegalArgumentException("status is required");
        }
        if (status == TrialStatus.scored && score == null) {
            throw new IllegalArgumentException("a scored measurement needs a score");
        }
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        if (testScore != null && score == null) {
            throw new IllegalArgumentException("a test score needs a score on the validation slice first");
        }
    }

    /** The same measurement with {@code testScore}, measured after the verdict on the validation slice. */
    public Measurement withTestScore(Double testScore) {
        return new Measurement(status, score, direction, metrics, trainSeconds, evalSeconds, artifactBytes, seed,
                evaluator, evaluatorVersion, dataSha256, feedback, testScore);
    }

    /** A measurement of a task without a test slice. */
    public Measurement(TrialStatus status, Double score, Direction direction, Map<String, Double> metrics,
                       double trainSeconds, double evalSeconds, long artifactBytes, long seed, String evaluator,
                       String evaluatorVersion, String dataSha256, String feedback) {
        this(status, score, direction, metrics, trainSeconds, evalSeconds, artifactBytes, seed, evaluator,
                evaluatorVersion, dataSha256, feedback, null);
    }
}
