package dev.looplab.proposer.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.proposer.TaskFixtures;
import dev.looplab.proposer.platform.LineageRow;
import dev.looplab.proposer.search.History;
import dev.looplab.trial.TrialStatus;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KnowledgeSummaryTest {

    @Test
    void theSummarySaysWhatWorkedWhatFailedAndWhatIsLeft() {
        // given a kept LR raise, two crashes at a high loop count, and a near miss on the schedule
        List<LineageRow> rows = List.of(
                TaskFixtures.row("0", null, "baseline", "all", TrialStatus.keep, 3.9, null),
                TaskFixtures.row("1", "0", "optimizer-specialist", "optimizer", TrialStatus.keep, 3.85, -0.05,
                        "LR", "1e-2f", "1.4e-2f"),
                TaskFixtures.row("2", "1", "loop-specialist", "loop", TrialStatus.crash, null, null,
                        "MEAN_LOOPS", "3", "9"),
                TaskFixtures.row("3", "1", "loop-specialist", "loop", TrialStatus.crash, null, null,
                        "MEAN_LOOPS", "3", "11"),
                TaskFixtures.row("4", "1", "schedule-specialist", "schedule", TrialStatus.discard, 3.845, -0.005,
                        "WARMDOWN_FRAC", "0.3f", "0.4f"),
                TaskFixtures.row("5", "1", "data-specialist", "data", TrialStatus.queued, null, null, "BATCH", "8", "16"));
        History history = History.of(rows, TaskFixtures.recipe("golf-mini").config(), true);
        var view = TaskFixtures.campaign("golf-mini", "1", 3.85);
        var allocation = new MetaAgent(0.05).allocate(List.of("optimizer-specialist", "loop-specialist"), history,
                0.01, new Random(1));

        // when the meta agent renders it
        String md = KnowledgeSummary.render(view, TaskFixtures.task("golf-mini").surfaces(), history, 0.01, allocation);

        // then each section says its part
        assertThat(md).startsWith("# Knowledge of campaign c1 (golf-mini)")
                .contains("4 proposals recorded (the baseline and noise runs aside), 1 kept, 1 in flight")
                .contains("- trial 1 (optimizer-specialist): LR 1e-2 -> 1.4e-2, gain 0.05")
                .contains("| loop | 2 | 0 | 2 |")
                .contains("- MEAN_LOOPS: up 2x (0 kept, 2 failed)")
                .contains("MEAN_LOOPS up: 2 trials (2, 3), none kept, 2 crashed, 3 crashed")
                .contains("trial 4 (WARMDOWN_FRAC 0.3 -> 0.4) gained 0.005")
                .containsPattern("not moved yet: D_MODEL, HEADS, .*QUANT_BITS, ZLIB_LEVEL")
                .contains("## Allocation (meta agent)");
        assertThat(md.length()).isLessThan(8000);
    }
}
