package dev.looplab.evaluation;

import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KeepRuleTest {
    private final KeepRule lowerBetter = new KeepRule(Direction.lower, 0.01);

    @Test
    void theFirstScoredTrialIsKept() {
        KeepRule.Verdict v = lowerBetter.judge(3.9, null);
        assertThat(v.status()).isEqualTo(TrialStatus.keep);
        assertThat(v.rule()).isEqualTo("first");
    }

    @Test
    void withoutANoiseFloorTheThresholdDecidesAndSaysSo() {
        KeepRule.Verdict keep = lowerBetter.judge(3.85, 3.90);
        KeepRule.Verdict discard = lowerBetter.judge(3.895, 3.90);
        assertThat(keep.status()).isEqualTo(TrialStatus.keep);
        assertThat(discard.status()).isEqualTo(TrialStatus.discard);
        assertThat(keep.rule()).isEqualTo("threshold");
        assertThat(discard.reason()).contains("noise floor not measured yet");
    }

    @Test
    void aNoisyTaskNeedsAGainAboveTwoSigma() {
        // baseline scores spread by about 0.05: sigma 0.05, so 2 sigma = 0.1 beats the 0.01 threshold
        KeepRule.NoiseFloor noise = KeepRule.NoiseFloor.of(List.of(3.95, 4.00, 4.05));
        assertThat(noise.sigma()).isCloseTo(0.05, within(1e-12));
        assertThat(noise.runs()).isEqualTo(3);

        KeepRule.Verdict small = lowerBetter.judge(3.92, 4.00, noise);
        KeepRule.Verdict large = lowerBetter.judge(3.85, 4.00, noise);
        assertThat(small.status()).isEqualTo(TrialStatus.discard);
        assertThat(small.rule()).isEqualTo("2sigma");
        assertThat(small.reason()).contains("2 sigma 0.1000 from 3 baseline runs");
        assertThat(large.status()).isEqualTo(TrialStatus.keep);
        assertThat(large.bar()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void aQuietTaskFallsBackToTheThreshold() {
        KeepRule.NoiseFloor noise = KeepRule.NoiseFloor.of(List.of(4.000, 4.001));
        KeepRule.Verdict v = lowerBetter.judge(3.985, 4.0, noise);
        assertThat(v.status()).isEqualTo(TrialStatus.keep);
        assertThat(v.rule()).isEqualTo("threshold");
        assertThat(v.reason()).contains("= threshold");
    }

    @Test
    void higherIsBetterTasksCountGainsUpwards() {
        KeepRule higher = new KeepRule(Direction.higher, 0.001);
        assertThat(higher.judge(0.91, 0.90).status()).isEqualTo(TrialStatus.keep);
        assertThat(higher.judge(0.89, 0.90).status()).isEqualTo(TrialStatus.discard);
    }

    @Test
    void oneScoreIsNoNoiseFloor() {
        assertThat(KeepRule.NoiseFloor.of(List.of(4.0))).isNull();
        assertThat(KeepRule.NoiseFloor.of(List.of())).isNull();
    }
}
