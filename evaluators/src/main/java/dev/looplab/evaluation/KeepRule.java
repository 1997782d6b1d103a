package dev.looplab.evaluation;

/**
 * Decides keep or discard for a scored trial against the campaign's best: keep only when the
 * improvement exceeds {@code threshold} (in score units).
 */
public record KeepRule(Direction direction, double threshold) {

    /** The verdict and the sentence that explains it. */
    public record Verdict(Status status, String reason) {
    }

    public Verdict judge(double score, Double bestScore) {
        if (bestScore == null) {
            return new Verdict(Status.keep, "first scored trial of the campaign");
        }
        double gain = direction.improvement(score, bestScore);
        if (gain > threshold) {
            return new Verdict(Status.keep, String.format(java.util.Locale.ROOT,
                    "improves the best %.4f by %.4f > threshold %.4f", bestScore, gain, threshold));
        }
        return new Verdict(Status.discard, String.format(java.util.Locale.ROOT,
                "does not improve the best %.4f by more than %.4f (gain %.4f)", bestScore, threshold, gain));
    }
}
