package dev.looplab.proposer.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.proposer.TaskFixtures;
import dev.looplab.proposer.platform.LineageRow;
import dev.looplab.proposer.search.History;
import dev.looplab.trial.TrialStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The meta agent's allocation of slots: cold start, Thompson sampling on gain per trial, the floor. */
class MetaAgentTest {
    static final List<String> TEAM = List.of("optimizer-specialist", "loop-specialist", "data-specialist");
    static final double KEEP_BAR = 0.01;
    final MetaAgent meta = new MetaAgent(0.05);
    final List<LineageRow> rows = new ArrayList<>();
    int next = 1;

    @Test
    void everySpecialistProposesOnceBeforeAnyIsPreferred() {
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MetaAgent.Allocation a = meta.allocate(TEAM, history(), KEEP_BAR, new Random(i));
            first.add(a.order().get(0));
            assertThat(a.reason()).isEqualTo("has not proposed yet");
            add(a.order().get(0), TrialStatus.queued, null);
        }
        assertThat(first).containsExactlyInAnyOrderElementsOf(TEAM);
    }

    @Test
    void theSpecialistThatGainsGetsMostSlotsAndTheOthersStillGetSome() {
        // given six trials each: the loop specialist gains twice the keep bar, the optimizer loses a little, the data
        // specialist loses a lot or crashes
        for (int i = 0; i < 6; i++) {
            add("loop-specialist", i % 2 == 0 ? TrialStatus.keep : TrialStatus.discard, 0.02);
            add("optimizer-specialist", TrialStatus.discard, -0.002);
            add("data-specialist", i % 3 == 0 ? TrialStatus.crash : TrialStatus.discard, i % 3 == 0 ? null : -0.02);
        }

        // when the meta agent allocates 300 slots from that history
        Map<String, Integer> slots = new HashMap<>();
        Map<String, Integer> seconds = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            MetaAgent.Allocation a = meta.allocate(TEAM, history(), KEEP_BAR, new Random(1000 + i));
            slots.merge(a.order().get(0), 1, Integer::sum);
            seconds.merge(a.order().get(1), 1, Integer::sum);
            // and every specialist stays in the order, so one with nothing to propose passes the slot on
            assertThat(a.order()).containsExactlyInAnyOrderElementsOf(TEAM);
        }

        // then the gainer gets most, the smaller loser is offered the slot next, and the arms say why
        assertThat(slots.get("loop-specialist")).isGreaterThan(250);
        assertThat(seconds.getOrDefault("optimizer-specialist", 0)).isGreaterThan(seconds.getOrDefault("data-specialist", 0));
        MetaAgent.Allocation last = meta.allocate(TEAM, history(), KEEP_BAR, new Random(7));
        assertThat(last.arms()).filteredOn(arm -> arm.specialist().equals("loop-specialist")).singleElement()
                .satisfies(arm -> assertThat(arm.meanReward()).isGreaterThan(1.0))
                .satisfies(arm -> assertThat(arm.recorded()).isEqualTo(6));
        assertThat(last.describe()).contains("loop-specialist").contains("mean");
    }

    @Test
    void aStarvedSpecialistGetsTheNextSlotThroughTheFloor() {
        // given forty slots that all went to two specialists after one early data trial
        add("data-specialist", TrialStatus.discard, -0.05);
        for (int i = 0; i < 40; i++) {
            add(i % 2 == 0 ? "loop-specialist" : "optimizer-specialist", TrialStatus.keep, 0.03);
        }

        MetaAgent.Allocation a = meta.allocate(TEAM, history(), KEEP_BAR, new Random(3));

        assertThat(a.order().get(0)).isEqualTo("data-specialist");
        assertThat(a.reason()).startsWith("floor");
    }

    @Test
    void failuresAndRefusalsCostMoreThanADiscard() {
        History h = history(List.of(
                TaskFixtures.row("1", "0", "s", "x", TrialStatus.crash, null, null),
                TaskFixtures.row("2", "0", "s", "x", TrialStatus.preflight_reject, null, null),
                TaskFixtures.row("3", "0", "s", "x", TrialStatus.discard, 3.91, 0.01),
                TaskFixtures.row("4", "0", "s", "x", TrialStatus.worker_lost, null, null),
                TaskFixtures.row("5", "0", "s", "x", TrialStatus.running, null, null)));
        assertThat(h.trials().stream().skip(1).map(o -> MetaAgent.reward(o, KEEP_BAR)).toList())
                .containsExactly(-1.0, -0.5, -1.0, null, null);
    }

    private void add(String specialist, TrialStatus status, Double gain) {
        String id = Integer.toString(next++);
        rows.add(TaskFixtures.row(id, "0", specialist, "x", status, gain == null ? null : 3.9 - gain,
                gain == null ? null : -gain));
    }

    private History history() {
        return history(rows);
    }

    private static History history(List<LineageRow> rows) {
        List<LineageRow> all = new ArrayList<>();
        all.add(TaskFixtures.row("0", null, "baseline", "all", TrialStatus.keep, 3.9, null));
        all.addAll(rows);
        return History.of(all, Map.of(), true);
    }
}
