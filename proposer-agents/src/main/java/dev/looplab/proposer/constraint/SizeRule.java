package dev.looplab.proposer.constraint;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task's artifact cap: the estimated artifact, times {@code calibration} (measured bytes over estimated bytes
 * of the trials recorded so far, 1 before any), must stay under {@value #MARGIN} of the cap.
 */
public record SizeRule(ArtifactSize size, long capBytes, long codeBytes, double calibration) implements Rule {
    static final double MARGIN = 0.97;

    /** The estimate in bytes, calibrated. */
    public long estimate(Map<String, String> config) {
        return Math.round(size.estimate(config, codeBytes) * calibration);
    }

    @Override
    public Optional<String> violation(Map<String, String> config) {
        long estimate = estimate(config);
        return estimate <= capBytes * MARGIN ? Optional.empty() : Optional.of(String.format(Locale.ROOT,
                "estimated artifact %,d B is over %.0f%% of the %,d B cap", estimate, MARGIN * 100, capBytes));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "the artifact (code + compressed model) stays under %,d B (estimated from"
                + " the model's shape; the recipe now makes about %,d B of code)", capBytes, codeBytes);
    }

    @Override
    public Set<String> knobs() {
        return size.knobs();
    }
}
