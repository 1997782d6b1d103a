package dev.looplab.proposer.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.proposer.TaskFixtures;
import dev.looplab.proposer.specialist.Recipe;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConstraintsTest {
    final Recipe golf = TaskFixtures.recipe("golf-mini");

    @Test
    void golfMiniHeadsMustDivideTheWidthAndARepairMovesAnUntouchedKnobOfTheSurface() {
        Constraints rules = Constraints.forTask("golf-mini", Optional.empty());
        Map<String, String> config = new HashMap<>(golf.config());
        config.put("HEADS", "5");

        assertThat(rules.violations(config)).containsExactly("D_MODEL 96 is not divisible by HEADS 5");
        Map<String, String> fixed = rules.repair(config, Set.of("D_MODEL", "HEADS", "MLP_RATIO"), Set.of("HEADS"),
                golf.bounds()).orElseThrow();
        assertThat(fixed).containsEntry("HEADS", "5").containsEntry("D_MODEL", "95");
        // and when only HEADS may change, the nearest divisor of 96 is taken
        assertThat(rules.repair(config, Set.of("HEADS"), Set.of("HEADS"), golf.bounds()).orElseThrow())
                .containsEntry("HEADS", "4");
    }

    @Test
    void backpropLoopsNeverExceedTheMeanLoops() {
        Constraints rules = Constraints.forTask("golf-mini", Optional.empty());
        Map<String, String> config = new HashMap<>(golf.config());
        config.put("MEAN_LOOPS", "2");
        config.put("BACKPROP_LOOPS", "5");

        assertThat(rules.violations(config)).containsExactly("BACKPROP_LOOPS 5 exceeds MEAN_LOOPS 2");
        assertThat(rules.repair(config, Set.of("MEAN_LOOPS", "BACKPROP_LOOPS"), Set.of("MEAN_LOOPS"), golf.bounds())
                .orElseThrow()).containsEntry("BACKPROP_LOOPS", "2").containsEntry("MEAN_LOOPS", "2");
    }

    @Test
    void theBaselineFitsTheGolfCapAndAMuchWiderModelDoesNot() {
        long code = golf.text().length();
        ArtifactSize size = ArtifactSize.forTask("golf-mini").orElseThrow();
        SizeRule cap = new SizeRule(size, 1_000_000, code, 1.0);
        Map<String, String> wide = new HashMap<>(golf.config());
        wide.put("D_MODEL", "256");
        wide.put("MLP_RATIO", "6");

        // the baseline's estimate is in the range the evaluator measured (about 0.3 MB of code and int8 weights)
        assertThat(cap.estimate(golf.config())).isBetween(250_000L, 500_000L);
        assertThat(cap.violation(golf.config())).isEmpty();
        assertThat(cap.violation(wide)).hasValueSatisfying(v -> assertThat(v).contains("over 97% of the 1,000,000 B cap"));
        // fewer quantization bits shrink it
        Map<String, String> fourBits = new HashMap<>(wide);
        fourBits.put("QUANT_BITS", "4");
        assertThat(cap.estimate(fourBits)).isLessThan(cap.estimate(wide) * 6 / 10);
    }

    @Test
    void parameterGolfsRulesHoldForItsRecipeAndCatchABadSplit() {
        Recipe pg = TaskFixtures.recipe("parameter-golf");
        ArtifactSize size = ArtifactSize.forTask("parameter-golf").orElseThrow();
        Constraints rules = Constraints.forTask("parameter-golf",
                Optional.of(new SizeRule(size, 16_000_000, pg.text().length(), 1.0)));

        assertThat(rules.violations(pg.config())).isEmpty();
        Map<String, String> bad = new HashMap<>(pg.config());
        bad.put("NUM_KV_HEADS", "3");
        bad.put("GRAD_ACCUM", "3");
        assertThat(rules.violations(bad)).anySatisfy(v -> assertThat(v).contains("NUM_HEADS 8 is not divisible by NUM_KV_HEADS 3"))
                .anySatisfy(v -> assertThat(v).contains("GRAD_ACCUM"));
    }

    @Test
    void airbenchMiniKeepsAPositiveLearningRateAndASmallOneForAdamw() {
        Recipe ab = TaskFixtures.recipe("airbench-mini");
        Constraints rules = Constraints.forTask("airbench-mini", Optional.empty());
        Map<String, String> adamw = new HashMap<>(ab.config());
        adamw.put("OPTIMIZER", "\"adamw\"");

        assertThat(rules.violations(ab.config())).isEmpty();
        assertThat(rules.violations(adamw)).containsExactly("LR 0.1f is above 0.02 with OPTIMIZER adamw");
        adamw.put("LR", "0.0f");
        assertThat(rules.violations(adamw)).contains("LR 0.0f must be above 0");
    }
}
