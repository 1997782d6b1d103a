package dev.looplab.trial;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A replay repeats the original's step schedule with twice its budget, or fills the same budget when it has none. */
class ReplayPlanTest {

    @Test
    void aSteppedRunIsRepeatedStepForStepWithTwiceTheBudget() {
        ReplayPlan plan = ReplayPlan.of(Map.of("planned_steps", "400", "train_steps", "400"), 90);

        assertThat(plan).isEqualTo(new ReplayPlan(400, 0, 180));
        assertThat(plan.describe("12", "0123456789abcdef0123", 7L, 90))
                .isEqualTo("Replay of trial 12: commit 0123456789ab, seed 7, exactly 400 steps");
    }

    @Test
    void aRunItsDeadlineCutShortStopsWhereItStopped() {
        ReplayPlan plan = ReplayPlan.of(Map.of("planned_steps", "400", "train_steps", "312"), 90);

        assertThat(plan).isEqualTo(new ReplayPlan(400, 312, 180));
        assertThat(plan.describe("12", "0123456789abcdef0123", 7L, 90)).endsWith("exactly 312 steps of a 400-step schedule");
    }

    @Test
    void aRunWithoutAStepCountFillsTheSameBudget() {
        ReplayPlan plan = ReplayPlan.of(Map.of("train_steps", "oops"), 90);

        assertThat(plan.fixedSteps()).isFalse();
        assertThat(plan.budgetSeconds()).isEqualTo(90);
        assertThat(plan.describe("12", "abc", 7L, 90)).contains("the same 90 s budget", "expect noise");
    }
}
