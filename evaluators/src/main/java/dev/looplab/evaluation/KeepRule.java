package dev.looplab.evaluation;

import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;

import java.util.List;
import java.util.Locale;

/**
 * Decides keep or discard for a scored trial against the campaign's best: keep only when the
 * improvement exceeds the task's {@code threshold} and, once the task's noise floor is measured,
 * twice the spread of the baseline repeated over seeds: max(threshold, 2 sigma).
 */
public record KeepRule(Direction direction, double threshold) {

    /** Fewest scored baseline runs that give a standard deviation worth trusting. */
    public static final int MIN_NOISE_RUNS = 2;

    /** The verdict, the sentence that explains it, and which rule decided ("first", "threshold", "2sigma"). */
    public record Verdict(TrialStatus status, String reason, String rule, double bar) {
    }

    /** The spread of one recipe's score over seeds: sample standard deviation of {@code runs} scores. */
    public record NoiseFloor(double sigma, int runs, double mean) {

        /** Null when fewer than {@link #MIN_NOISE_RUNS} scores exist. */
        public static NoiseFloor of(List<Double> scores) {
            if (scores == null || scores.size() < MIN_NOISE_RUNS) {
                return null;
            }
            double mean = scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double ss = scores.stream().mapToDouble(s -> (s - mean) * (s - mean)).sum();
            return new NoiseFloor(Math.sqrt(ss / (scores.size() - 1)), scores.size(), mean);
        }
    }

    public Verdict judge(double score, Double bestScore) {
        return judge(score, bestScore, null);
    }

    /** {@code noise} is null while the task's noise floor is not measured yet: the threshold alone decides. */
    public Verdict judge(double score, Double bestScore, NoiseFloor noise) {
        if (bestScore == null) {
            return new Verdict(TrialStatus.keep, "first scored trial of the campaign", "first", 0);
        }
        double gain = direction.improvement(score, bestScore);
        double twoSigma = noise == null ? 0 : 2 * noise.sigma();
        boolean noiseDecides = noise != null && twoSigma > threshold;
        double bar = noiseDecides ? twoSigma : threshold;
        String rule = noiseDecides ? "2sigma" : "threshold";
        String barText = noise == null
                ? String.format(Locale.ROOT, "threshold %.4f (noise floor not measured yet)", threshold)
                : String.format(Locale.ROOT, "max(threshold %.4f, 2 sigma %.4f from %d baseline runs) = %s",
                threshold, twoSigma, noise.runs(), noiseDecides ? "2 sigma" : "threshold");
        if (gain > bar) {
            return new Verdict(TrialStatus.keep, String.format(Locale.ROOT, "improves the best %.4f by %.4f > %s",
                    bestScore, gain, barText), rule, bar);
        }
        return new Verdict(TrialStatus.discard, String.format(Locale.ROOT,
                "gain %.4f over the best %.4f does not clear %s", gain, bestScore, barText), rule, bar);
    }
}
