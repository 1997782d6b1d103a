package dev.looplab.trial;


import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a replay's outcome with the original's: {@code identical} (the same status and bit for bit
 * the same score), {@code within_noise} (scores apart by no more than the tolerance) or {@code differs}.
 */
public record ReplayVerdict(String verdict, String detail) {
    public static final String IDENTICAL = "identical";
    public static final String WITHIN_NOISE = "within_noise";
    public static final String DIFFERS = "differs";

    /**
     * Fingerprint keys that differ between any two runs by design (requested settings, outcome counters, the
     * machine's load and what training cost).
     */
    private static final Set<String> EXPECTED_TO_DIFFER = Set.of("steps_requested", "stop_step_requested", "budget_s",
            "command", "wall_ceiling_s", "load_avg_1m_start", "load_avg_1m_end", "train_wall_s", "train_cpu_s",
            "cpu_s_per_step");

    /**
     * The largest score difference a replay may show and still be noise: max(task threshold, 2 sigma of the runs
     * that measured the noise floor), or the threshold alone while no floor is measured; {@code rule} says which.
     */
    public record Tolerance(double value, String rule) {

        /** The task's threshold alone: the noise floor is not measured yet. */
        public static Tolerance of(double threshold) {
            return new Tolerance(threshold, String.format(Locale.ROOT,
                    "task threshold %.4g; the noise floor is not measured yet", threshold));
        }

        /** max(threshold, 2 sigma), naming the runs sigma was measured over (e.g. "3 baseline runs"). */
        public static Tolerance of(double threshold, double sigma, String measuredOver) {
            return new Tolerance(Math.max(threshold, 2 * sigma), String.format(Locale.ROOT,
                    "max(task threshold %.4g, 2 sigma %.4g of %s)", threshold, 2 * sigma, measuredOver));
        }
    }

    /** The same, with the tolerance and its rule in one. */
    public static ReplayVerdict decide(TrialStatus originalStatus, Double originalScore, TrialStatus replayStatus,
                                       Double replayScore, Tolerance tolerance, Map<String, String> originalEnv,
                                       Map<String, String> replayEnv) {
        return decide(originalStatus, originalScore, replayStatus, replayScore, tolerance.value(), tolerance.rule(),
                originalEnv, replayEnv);
    }

    /**
     * @param tolerance     largest score difference still called noise
     * @param toleranceRule how the tolerance was chosen, quoted in the detail
     */
    public static ReplayVerdict decide(TrialStatus originalStatus, Double originalScore, TrialStatus replayStatus,
                                       Double replayScore, double tolerance, String toleranceRule,
                                       Map<String, String> originalEnv, Map<String, String> replayEnv) {
        String envDiff = environmentDifferences(originalEnv, replayEnv);
        if (originalScore == null || replayScore == null) {
            boolean same = originalStatus == replayStatus && originalScore == null && replayScore == null;
            String detail = String.format(Locale.ROOT, "original %s%s, replay %s%s%s", originalStatus,
                    score(originalScore), replayStatus, score(replayScore), envDiff);
            return new ReplayVerdict(same ? IDENTICAL : DIFFERS, detail);
        }
        double delta = replayScore - originalScore;
        if (Double.doubleToLongBits(originalScore) == Double.doubleToLongBits(replayScore)) {
            return new ReplayVerdict(IDENTICAL, String.format(Locale.ROOT,
                    "score %s reproduced bit for bit (%s)%s", plain(originalScore), replayStatus, envDiff));
        }
        String both = String.format(Locale.ROOT, "original %s, replay %s, difference %+.6g; tolerance %.6g (%s)",
                plain(originalScore), plain(replayScore), delta, tolerance, toleranceRule);
        if (Math.abs(delta) <= tolerance) {
            return new ReplayVerdict(WITHIN_NOISE, both + envDiff);
        }
        return new ReplayVerdict(DIFFERS, both + envDiff);
    }

    private static String environmentDifferences(Map<String, String> a, Map<String, String> b) {
        if (a == null || a.isEmpty() || b == null || b.isEmpty()) {
            return a == null || a.isEmpty() ? "; the original recorded no environment fingerprint" : "";
        }
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        StringBuilder text = new StringBuilder();
        for (String key : keys) {
            String x = a.get(key);
            String y = b.get(key);
            if (!EXPECTED_TO_DIFFER.contains(key) && !java.util.Objects.equals(x, y)) {
                text.append(text.isEmpty() ? "; environment differs: " : ", ")
                        .append(key).append(' ').append(x).append(" -> ").append(y);
            }
        }
        return text.toString();
    }

    private static String score(Double score) {
        return score == null ? "" : " " + plain(score);
    }

    /** Enough digits to tell two doubles apart. */
    private static String plain(double score) {
        return Double.toString(score);
    }
}
