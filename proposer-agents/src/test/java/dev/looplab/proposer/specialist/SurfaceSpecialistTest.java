package dev.looplab.proposer.specialist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialSpec;
import dev.looplab.proposer.TaskFixtures;
import dev.looplab.proposer.knob.Knob;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.platform.TaskView;
import dev.looplab.trial.TrialStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in specialist of every surface of every built-in task: its edits apply in a real lineage and stay on its
 * surface, it respects the recipe's rules, never repeats a recipe from the same parent, learns from failures and
 * keeps, and says what it learned from.
 */
class SurfaceSpecialistTest {

    static Stream<Arguments> surfaces() {
        return TaskFixtures.tasks().stream().flatMap(task -> TaskFixtures.task(task).surfaces().keySet().stream()
                .map(surface -> Arguments.of(task, surface)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("surfaces")
    void everySurfaceGetsEditsThatApplyStayOnTheSurfaceAndKeepTheRules(String task, String surface,
                                                                         @TempDir Path tmp) {
        Lineage lineage = new Lineage(task);
        SurfaceSpecialist specialist = new SurfaceSpecialist(surface);
        TaskView view = TaskFixtures.task(task);
        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            store.initRoot("0", TaskFixtures.RECIPES.resolve(task), "baseline");
            for (long seed = 0; seed < 12; seed++) {
                // when the specialist proposes from the root
                SpecialistContext ctx = lineage.context("0", seed);
                ProposedEdit edit = specialist.propose(ctx).orElseThrow(() -> new AssertionError(task + " " + surface));

                // then the diff changes only knobs the task lists for this surface, with values in range
                Recipe after = lineage.apply("0", edit);
                Map<String, String> before = lineage.recipes.get("0").config();
                Map<String, String> changed = changed(before, after.config());
                // one to three knobs moved, plus those a constraint repair set
                assertThat(changed).as("%s %s changes", task, surface).isNotEmpty().hasSizeLessThanOrEqualTo(5);
                assertThat(view.surface(surface)).containsAll(changed.keySet());
                for (Knob k : after.knobs()) {
                    if (changed.containsKey(k.name()) && k.range().isPresent() && k.type().isNumeric()) {
                        assertThat(k.range().get().contains(k.numericValue())).as(k.name() + " " + k.literal()).isTrue();
                    }
                    if (changed.containsKey(k.name()) && !k.choices().isEmpty()) {
                        assertThat(k.choices()).contains(k.textValue());
                    }
                }
                // and keeps the task's rules, says what it does, and expects a gain
                assertThat(ctx.constraints().violations(after.config())).isEmpty();
                assertThat(edit.surface()).isEqualTo(surface);
                assertThat(edit.specialist()).isEqualTo(surface + "-specialist");
                assertThat(edit.hypothesis()).startsWith(surface + ": ").contains("Learned from:").contains("expects");
                assertThat(edit.expectedDelta()).isNegative();
                // and the lineage store applies the diff as the platform would
                String id = "t" + seed;
                store.recordTrial(new TrialSpec(id, "0", "c1", edit.specialist(), surface,
                        edit.hypothesis(), edit.diff()));
                assertThat(store.readFile(id, view.entry())).isEqualTo(after.text());
            }
        }
    }

    @Test
    void neverProposesARecipeAlreadyTriedFromTheSameParentAndStopsWhenTheSurfaceIsSpent() {
        // given golf-mini's compression surface: QUANT_BITS 4..8 and ZLIB_LEVEL 1..9, 44 recipes besides the root
        Lineage lineage = new Lineage("golf-mini");
        SurfaceSpecialist compression = new SurfaceSpecialist("compression");
        Set<String> seen = new HashSet<>();
        int proposals = 0;

        // when it proposes again and again from the root, each proposal recorded as a discarded trial
        for (long seed = 0; seed < 80; seed++) {
            Optional<ProposedEdit> edit = compression.propose(lineage.context("0", seed));
            if (edit.isEmpty()) {
                continue;
            }
            proposals++;
            Recipe after = lineage.apply("0", edit.get());
            // then no recipe comes twice
            assertThat(seen.add(after.config().get("QUANT_BITS") + "/" + after.config().get("ZLIB_LEVEL")))
                    .as("proposal %d repeats %s", proposals, after.config()).isTrue();
            lineage.record("0", edit.get(), TrialStatus.discard, -0.001);
        }
        assertThat(proposals).isGreaterThanOrEqualTo(30);
        assertThat(seen).doesNotContain("8/9");
    }

    @Test
    void aCrashAtAHighLearningRatePushesTheSearchAwayAndIsCited() {
        // given trial 1 raised LR to 2.5e-2 and diverged, and 2 raised it to 1.4e-2 and was kept
        Lineage lineage = new Lineage("golf-mini");
        lineage.trial("0", "optimizer-specialist", "optimizer", TrialStatus.crash, null, null, "LR", "2.5e-2f");
        String kept = lineage.trial("0", "optimizer-specialist", "optimizer", TrialStatus.keep, 0.05, null, "LR", "1.4e-2f");

        // when the optimizer specialist proposes from the kept trial many times
        SurfaceSpecialist optimizer = new SurfaceSpecialist("optimizer");
        List<ProposedEdit> raises = new ArrayList<>();
        for (long seed = 0; seed < 80; seed++) {
            ProposedEdit edit = optimizer.propose(lineage.context(kept, seed)).orElseThrow();
            double lr = Knob.parseNumber(lineage.apply(kept, edit).config().get("LR"));
            // then it never walks into the region that diverged
            assertThat(lr).as(edit.hypothesis()).isLessThan(2.5e-2);
            if (lr > 1.4e-2) {
                raises.add(edit);
            }
        }
        // and a raise says it stays short of the failure and cites the keep that raised LR before
        assertThat(raises).isNotEmpty();
        assertThat(raises.get(0).hypothesis()).contains("2 raised LR and was kept")
                .contains("1 at LR 2.5e-2 diverged (NaN), so this stays short of it");
    }

    @Test
    void itIsTheCrashThatClosesTheRegion() {
        // given the same keep, once with the crash at 2.5e-2 and once without
        Lineage crashed = new Lineage("golf-mini");
        crashed.trial("0", "optimizer-specialist", "optimizer", TrialStatus.crash, null, null, "LR", "2.5e-2f");
        String keptAfterCrash = crashed.trial("0", "optimizer-specialist", "optimizer", TrialStatus.keep, 0.05, null,
                "LR", "1.4e-2f");
        Lineage clean = new Lineage("golf-mini");
        String kept = clean.trial("0", "optimizer-specialist", "optimizer", TrialStatus.keep, 0.05, null, "LR", "1.4e-2f");

        // when each proposes many times
        long closedAfterCrash = 0;
        long closed = 0;
        for (long seed = 0; seed < 60; seed++) {
            ProposedEdit a = new SurfaceSpecialist("optimizer").propose(crashed.context(keptAfterCrash, seed)).orElseThrow();
            ProposedEdit b = new SurfaceSpecialist("optimizer").propose(clean.context(kept, seed)).orElseThrow();
            closedAfterCrash += a.hypothesis().contains("into a region where trials failed") ? 1 : 0;
            closed += b.hypothesis().contains("into a region where trials failed") ? 1 : 0;
        }
        // then only after the crash are candidates dropped for walking into a failed region
        assertThat(closedAfterCrash).isPositive();
        assertThat(closed).isZero();
    }

    @Test
    void sizeBlockedAndBudgetOverrunsTeachTheArchitectureAndDataSpecialists() {
        // given a wider model that was size_blocked at 1.2 MB and a larger batch that overran the budget
        Lineage lineage = new Lineage("golf-mini");
        lineage.trial("0", "architecture-specialist", "architecture", TrialStatus.size_blocked, null, 1_200_000L,
                "D_MODEL", "160");
        lineage.trial("0", "data-specialist", "data", TrialStatus.train_budget_overrun, null, null, "BATCH", "32");

        for (long seed = 0; seed < 60; seed++) {
            Map<String, String> arch = lineage.apply("0", new SurfaceSpecialist("architecture")
                    .propose(lineage.context("0", seed)).orElseThrow()).config();
            Map<String, String> data = lineage.apply("0", new SurfaceSpecialist("data")
                    .propose(lineage.context("0", seed)).orElseThrow()).config();
            // then neither goes back into the region that failed
            assertThat(Integer.parseInt(arch.get("D_MODEL"))).isLessThan(160);
            assertThat(Integer.parseInt(data.get("BATCH"))).isLessThan(32);
        }
    }

    @Test
    void theGolfArchitectureSpecialistKeepsHeadsDividingTheWidthAndTheModelUnderTheCap() {
        Lineage lineage = new Lineage("golf-mini");
        SurfaceSpecialist architecture = new SurfaceSpecialist("architecture");
        SurfaceSpecialist loop = new SurfaceSpecialist("loop");
        int headsMoved = 0;
        for (long seed = 0; seed < 150; seed++) {
            SpecialistContext ctx = lineage.context("0", seed);
            Map<String, String> a = lineage.apply("0", architecture.propose(ctx).orElseThrow()).config();
            Map<String, String> l = lineage.apply("0", loop.propose(ctx).orElseThrow()).config();
            assertThat(Integer.parseInt(a.get("D_MODEL")) % Integer.parseInt(a.get("HEADS"))).isZero();
            assertThat(ctx.constraints().violations(a)).isEmpty();
            assertThat(Integer.parseInt(l.get("BACKPROP_LOOPS"))).isLessThanOrEqualTo(Integer.parseInt(l.get("MEAN_LOOPS")));
            if (!a.get("HEADS").equals("4")) {
                headsMoved++;
            }
        }
        assertThat(headsMoved).isPositive();
    }

    @Test
    void keepsPullTheSearchTowardsValuesThatWorked() {
        // given three raises of WARMDOWN_FRAC that were kept and two cuts that were discarded
        Lineage lineage = new Lineage("golf-mini");
        String a = lineage.trial("0", "schedule-specialist", "schedule", TrialStatus.keep, 0.04, null, "WARMDOWN_FRAC", "0.45f");
        String b = lineage.trial(a, "schedule-specialist", "schedule", TrialStatus.keep, 0.03, null, "WARMDOWN_FRAC", "0.55f");
        lineage.trial(b, "schedule-specialist", "schedule", TrialStatus.discard, -0.03, null, "WARMDOWN_FRAC", "0.35f");
        lineage.trial(b, "schedule-specialist", "schedule", TrialStatus.discard, -0.04, null, "WARMDOWN_FRAC", "0.3f");

        // when it proposes from the best many times
        int nearGood = 0;
        int nearBad = 0;
        for (long seed = 0; seed < 80; seed++) {
            ProposedEdit edit = new SurfaceSpecialist("schedule").propose(lineage.context(b, seed)).orElseThrow();
            String after = lineage.apply(b, edit).config().get("WARMDOWN_FRAC");
            double value = Knob.parseNumber(after);
            if (value >= 0.42) {
                nearGood++;
            } else if (value <= 0.38) {
                nearBad++;
            }
        }
        // then it tries around the values that were kept far more often than where nothing was
        assertThat(nearGood).isGreaterThan(2 * nearBad);
    }

    private static Map<String, String> changed(Map<String, String> before, Map<String, String> after) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void theRecipeTextChangesOnlyInKnobValues() {
        Lineage lineage = new Lineage("parameter-golf");
        ProposedEdit edit = new SurfaceSpecialist("loop").propose(lineage.context("0", 3)).orElseThrow();
        Recipe after = lineage.apply("0", edit);
        Map<String, String> changes = changed(lineage.recipes.get("0").config(), after.config());
        assertThat(KnobParser.rewrite(lineage.recipes.get("0").text(), changes)).isEqualTo(after.text());
        assertThat(edit.diff()).startsWith("diff --git a/train_gpt.py b/train_gpt.py");
    }
}
