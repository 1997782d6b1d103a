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

    /**
     * The spread of a recipe's score over seeds: the sample standard deviation of {@code runs} scores, pooled
     * over {@code groups} recipes each run several times (the baseline, and every confirmed candidate), so it
     * sharpens as confirmation runs accumulate. {@code mean} is the first group's (the baseline's) mean.
     */
    public record NoiseFloor(double sigma, int runs, double mean, int groups) {

        public NoiseFloor(double sigma, int runs, double mean) {
            this(sigma, runs, mean, 1);
        }

        /** Null when fewer than {@link #MIN_NOISE_RUNS} scores exist. */
        public static NoiseFloor of(List<Double> scores) {
            return pooled(List.of(scores == null ? List.of() : scores));
        }

        /**
         * The pooled standard deviation of several groups of repeated runs (each group one recipe): groups of one
         * run carry no spread and are left out. Null when no group has {@link #MIN_NOISE_RUNS} runs.
         */
        public static NoiseFloor pooled(List<List<Double>> groups) {
            double squares = 0;
            int degrees = 0;
            int runs = 0;
            int used = 0;
            Double firstMean = null;
            for (List<Double> group : groups) {
                if (group.size() < MIN_NOISE_RUNS) {
                    continue;
                }
                double mean = KeepRule.mean(group);
                firstMean = firstMean == null ? mean : firstMean;
                squares += group.stream().mapToDouble(s -> (s - mean) * (s - mean)).sum();
                degrees += group.size() - 1;
                runs += group.size();
                used++;
            }
            return degrees == 0 ? null : new NoiseFloor(Math.sqrt(squares / degrees), runs, firstMean, used);
        }

        String describe() {
            return groups <= 1 ? runs + " baseline runs" : runs + " runs of " + groups + " recipes";
        }
    }

    static double mean(List<Double> scores) {
        return scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
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
                : String.format(Locale.ROOT, "max(threshold %.4f, 2 sigma %.4f from %s) = %s",
                threshold, twoSigma, noise.describe(), noiseDecides ? "2 sigma" : "threshold");
        if (gain > bar) {
            return new Verdict(TrialStatus.keep, String.format(Locale.ROOT, "improves the best %.4f by %.4f > %s",
                    bestScore, gain, barText), rule, bar);
        }
        return new Verdict(TrialStatus.discard, String.format(Locale.ROOT,
                "gain %.4f over the best %.4f does not clear %s", gain, bestScore, barText), rule, bar);
    }

    /**
     * Decides a candidate confirmed by repeated runs: it is kept only when the mean of its runs beats the mean of
     * the best's runs by more than max(threshold, 2 sigma). The reason names both means and how many runs each
     * has; the rule is {@code confirmed-threshold} or {@code confirmed-2sigma}.
     */
    public Verdict judgeConfirmed(List<Double> candidateRuns, List<Double> bestRuns, NoiseFloor noise) {
        double candidate = mean(candidateRuns);
        double best = mean(bestRuns);
        Verdict single = judge(candidate, best, noise);
        String reason = String.format(Locale.ROOT, "the mean %.4f of its %d runs %s the best's mean %.4f of %d runs: %s",
                candidate, candidateRuns.size(), single.status() == TrialStatus.keep ? "confirms the gain over"
                        : "does not confirm a gain over", best, bestRuns.size(), single.reason());
        return new Verdict(single.status(), reason, "confirmed-" + single.rule(), single.bar());
    }
}
