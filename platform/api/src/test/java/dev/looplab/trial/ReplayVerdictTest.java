package dev.looplab.trial;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayVerdictTest {
    private static final Map<String, String> ORIGINAL = Map.of("cpu", "AMD EPYC", "threads", "2",
            "budget_clock", "cpu", "load_avg_1m_start", "0.40", "load_avg_1m_end", "1.10", "train_wall_s", "45.20",
            "train_cpu_s", "88.10", "cpu_s_per_step", "0.2500", "wall_ceiling_s", "270");

    @Test
    void theLoadAndWhatTrainingCostAreExpectedToDifferBetweenAReplayAndItsOriginal() {
        // given a replay on a busier machine, with twice the budget, that trained the same bits
        Map<String, String> replay = new HashMap<>(ORIGINAL);
        replay.putAll(Map.of("load_avg_1m_start", "7.90", "load_avg_1m_end", "8.30", "train_wall_s", "130.00",
                "train_cpu_s", "91.30", "cpu_s_per_step", "0.2590", "wall_ceiling_s", "540"));

        // when judged
        ReplayVerdict verdict = ReplayVerdict.decide(TrialStatus.keep, 3.9, TrialStatus.keep, 3.9, 0.05, "test",
                ORIGINAL, replay);

        // then it is identical and names no environment difference
        assertThat(verdict.verdict()).isEqualTo(ReplayVerdict.IDENTICAL);
        assertThat(verdict.detail()).doesNotContain("environment differs");
    }

    @Test
    void anotherBudgetClockIsNamed() {
        // given a replay whose budget was counted on the wall clock
        Map<String, String> replay = new HashMap<>(ORIGINAL);
        replay.put("budget_clock", "wall");

        // when judged, then the difference is named
        assertThat(ReplayVerdict.decide(TrialStatus.keep, 3.9, TrialStatus.keep, 3.9, 0.05, "test", ORIGINAL, replay)
                .detail()).contains("environment differs: budget_clock cpu -> wall");
    }
}
