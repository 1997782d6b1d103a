package dev.looplab.proposer.specialist;

import dev.looplab.trial.TrialStatus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.proposer.RecipeFixtures;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningRateSpecialistTest {

    final LearningRateSpecialist specialist = new LearningRateSpecialist();
    final Map<String, String> recipes = new HashMap<>(Map.of("t0", RecipeFixtures.SAMPLE));
    // the training budget the platform reports for the campaign's trials
    static final int TRAIN_BUDGET_SECONDS = 90;
    final Random random = new Random(42);
    long clock = 1_000;

    @Test
    void proposesAnLrChangeOnTheOptimizerSurfaceWithAHypothesisAndASmallExpectedGain() {
        // given a best trial with LR 3e-3, a 90 s training budget (TRAIN_BUDGET_SECONDS) and no outcomes yet
        // when the specialist is asked
        ProposedEdit edit = propose("t0").orElseThrow();

        // then it changes exactly the LR line, by one of its factors, and explains itself
        double lr = lrAfter(edit);
        assertThat(lr / 3e-3).isCloseTo(oneOf(lr / 3e-3), org.assertj.core.data.Offset.offset(0.01));
        assertThat(edit.diff()).contains("-    static final float LR = 3e-3f;").contains("Recipe.java");
        assertThat(edit.diff().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++"))).hasSize(1);
        assertThat(edit.hypothesis()).matches("(Raising|Lowering) LR from 3\\.0e-03 to \\d\\.\\de-03 should .+")
                .contains("no outcome recorded yet");
        assertThat(edit.hypothesis()).contains("within the 90 s training budget");
        assertThat(edit.expectedDelta()).isNegative().isGreaterThan(-0.05); // lower is better, a small step
    }

    @Test
    void neverRetriesAValueFromTheSameBestAndStopsWhenEveryStepWasTried() {
        // given the same best trial asked again and again, with no new best
        List<Double> tried = new ArrayList<>();
        Optional<ProposedEdit> edit;
        // when the specialist proposes until it has nothing left
        while ((edit = propose("t0")).isPresent()) {
            tried.add(lrAfter(edit.get()));
        }

        // then it tried each factor of its ladder once (the usual steps first, then wider and finer), no repeats
        assertThat(tried).doesNotHaveDuplicates().hasSize(12);
        assertThat(tried.subList(0, 4).stream().map(v -> Math.round(v / 3e-3 * 10) / 10.0).sorted().toList())
                .containsExactly(0.5, 0.7, 1.4, 2.0);
        assertThat(tried.stream().map(v -> Math.round(v / 3e-3 * 100) / 100.0).sorted().toList())
                .containsExactly(0.25, 0.35, 0.5, 0.7, 0.85, 0.9, 1.1, 1.2, 1.4, 2.0, 2.8, 4.0);
    }

    @Test
    void keepsRaisingAfterARaiseWasKeptAndCitesItsFeedback() {
        // given a raise from t0 that the evaluator kept as the new best t1
        String firstId = UUID.randomUUID().toString();
        ProposedEdit first = forceDirection(firstId, true);
        recipes.put("t1", recipeWithLr(lrAfter(first)));
        specialist.observe(outcome(firstId, "t1", "t0", TrialStatus.keep, -0.02, "val bpb fell 2% and early loss dropped faster"));

        // when asked for the next step from t1
        ProposedEdit next = propose("t1").orElseThrow();

        // then it raises again from t1's LR, and the hypothesis cites the last outcome
        assertThat(lrAfter(next)).isGreaterThan(lrAfter(first));
        assertThat(next.hypothesis()).startsWith("Raising LR from")
                .contains("last outcome: keep").contains("early loss dropped faster");
        assertThat(specialist.attempt(firstId)).get().extracting(a -> a.outcome().status()).isEqualTo(TrialStatus.keep);
    }

    @Test
    void turnsAroundAfterARaiseWasDiscarded() {
        // given a raise from t0 that was discarded
        String firstId = UUID.randomUUID().toString();
        forceDirection(firstId, true);
        specialist.observe(outcome(firstId, "t9", "t0", TrialStatus.discard, 0.03, "loss spiked at step 400"));

        // when asked again from the same best
        ProposedEdit next = propose("t0").orElseThrow();

        // then it lowers the LR below the best's 3e-3
        assertThat(lrAfter(next)).isLessThan(3e-3);
        assertThat(next.hypothesis()).startsWith("Lowering LR from 3.0e-03").contains("loss spiked at step 400");
    }

    @Test
    void staysInsideTheKnobRangeAndDoesNotProposeTheClampedValueTwice() {
        // given a best whose LR sits just under the range's top (3e-2)
        recipes.put("hi", recipeWithLr(2.5e-2));
        List<Double> tried = new ArrayList<>();
        Optional<ProposedEdit> edit;

        // when the specialist proposes until it has nothing left
        while ((edit = propose("hi")).isPresent()) {
            tried.add(lrAfter(edit.get()));
        }

        // then every raise but x1.1 clamps to 3e-2, which is proposed once only: 2 raises and 6 cuts
        assertThat(tried).allSatisfy(v -> assertThat(v).isBetween(1e-4, 3e-2))
                .doesNotHaveDuplicates().hasSize(8).contains(3e-2);
    }

    @Test
    void learnsFromOutcomesOfProposalsMadeBeforeARestart() {
        // given an outcome of an lr-tuner proposal this instance never made: t0 -> t5 raised LR and was kept
        recipes.put("t5", recipeWithLr(6e-3));
        specialist.observe(outcome("before-restart", "t5", "t0", TrialStatus.keep, -0.01, "better"));

        // when asked for a proposal from t5
        ProposedEdit next = propose("t5").orElseThrow();

        // then it read both LRs from the trials' files and keeps going up, starting with the big step that helped
        assertThat(specialist.attempt("before-restart")).get()
                .satisfies(a -> assertThat(a.fromLr()).isEqualTo(3e-3))
                .satisfies(a -> assertThat(a.toLr()).isEqualTo(6e-3));
        assertThat(lrAfter(next)).isEqualTo(1.2e-2);
    }

    @Test
    void skipsARecipeWithoutALearningRateKnob() {
        recipes.put("plain", "class Recipe { static final int LOOPS = 2; // @knob surface=loop range=[1,4]\n}\n");
        assertThat(propose("plain")).isEmpty();
    }

    @Test
    void theDiffAppliesInARealLineageAndTheTrialReadsBackTheNewLr(@TempDir Path tmp) throws Exception {
        // given a lineage whose root is the sample recipe
        Path recipeDir = Files.createDirectories(tmp.resolve("recipe"));
        Files.writeString(recipeDir.resolve("Recipe.java"), RecipeFixtures.SAMPLE);
        try (LineageStore lineage = LineageStore.open(tmp.resolve("lineage.git"))) {
            lineage.initRoot("t0", recipeDir, "baseline");

            // when two successive lr-tuner proposals are recorded as trials, the second on top of the first
            ProposedEdit first = propose("t0").orElseThrow();
            lineage.recordTrial(new TrialSpec("t1", "t0", "c1", LearningRateSpecialist.NAME,
                    LearningRateSpecialist.SURFACE, first.hypothesis(), first.diff()));
            recipes.put("t1", lineage.readFile("t1", "Recipe.java"));
            ProposedEdit second = propose("t1").orElseThrow();
            lineage.recordTrial(new TrialSpec("t2", "t1", "c1", LearningRateSpecialist.NAME,
                    LearningRateSpecialist.SURFACE, second.hypothesis(), second.diff()));

            // then each trial's recipe carries the proposed LR and nothing else changed
            String t2 = lineage.readFile("t2", "Recipe.java");
            assertThat(KnobParser.find(recipes.get("t1"), "LR").orElseThrow().numericValue()).isEqualTo(lrAfter(first));
            assertThat(KnobParser.find(t2, "LR").orElseThrow().numericValue()).isEqualTo(lrAfter(second));
            assertThat(t2).isEqualTo(KnobParser.rewrite(RecipeFixtures.SAMPLE, "LR",
                    KnobParser.find(t2, "LR").orElseThrow().literal()));
        }
    }

    @Test
    void theRealGolfMiniRecipeGetsADiffThatApplies(@TempDir Path tmp) throws Exception {
        // given the checked-in golf-mini recipe as the root of a lineage
        String golf = RecipeFixtures.golfMini();
        Path recipeDir = Files.createDirectories(tmp.resolve("recipe"));
        Files.writeString(recipeDir.resolve("Recipe.java"), golf);
        recipes.put("t0", golf);
        try (LineageStore lineage = LineageStore.open(tmp.resolve("lineage.git"))) {
            lineage.initRoot("t0", recipeDir, "baseline");

            // when the lr-tuner proposes and the trial is recorded
            ProposedEdit edit = propose("t0").orElseThrow();
            lineage.recordTrial(new TrialSpec("t1", "t0", "c1", LearningRateSpecialist.NAME,
                    LearningRateSpecialist.SURFACE, edit.hypothesis(), edit.diff()));

            // then the recorded recipe has the new LR
            assertThat(KnobParser.find(lineage.readFile("t1", "Recipe.java"), "LR").orElseThrow().numericValue())
                    .isEqualTo(lrAfter(edit));
        }
    }

    // --- helpers

    private Optional<ProposedEdit> propose(String parent) {
        return specialist.propose(new SpecialistContext(UUID.randomUUID().toString(), "c1", "golf-mini", parent,
                1.25, Direction.lower, TRAIN_BUDGET_SECONDS, (trial, path) -> {
                    String text = recipes.get(trial);
                    if (text == null) {
                        throw new IllegalStateException("trial " + trial + " has no " + path);
                    }
                    return text;
                }, random));
    }

    /** Proposes from t0 with a seed that makes the first move go up (or down). */
    private ProposedEdit forceDirection(String proposalId, boolean up) {
        for (long seed = 0; ; seed++) {
            if (new Random(seed).nextBoolean() == up) {
                return specialist.propose(new SpecialistContext(proposalId, "c1", "golf-mini", "t0", 1.25,
                        Direction.lower, TRAIN_BUDGET_SECONDS, (t, p) -> p.equals("Recipe.java") ? recipes.get(t) : null, new Random(seed))).orElseThrow();
            }
        }
    }

    private OutcomeRecorded outcome(String proposalId, String trial, String parent, TrialStatus status, double delta, String feedback) {
        return new OutcomeRecorded(OutcomeRecorded.SCHEMA, proposalId, trial, "c1", "golf-mini", LearningRateSpecialist.NAME,
                parent, status, 1.25 + delta, delta, delta, trial, 1.25, feedback, clock++);
    }

    private static String recipeWithLr(double lr) {
        return KnobParser.rewrite(RecipeFixtures.SAMPLE, "LR", dev.looplab.proposer.knob.KnobType.FLOAT.literal(lr));
    }

    /** The LR the diff writes, read from its single added line. */
    static double lrAfter(ProposedEdit edit) {
        String added = edit.diff().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++")).findFirst().orElseThrow();
        return KnobParser.find(added.substring(1), "LR").orElseThrow().numericValue();
    }

    private static double oneOf(double factor) {
        for (double f : new double[] {0.5, 0.7, 1.4, 2.0}) {
            if (Math.abs(f - factor) < 0.01) {
                return f;
            }
        }
        return Double.NaN;
    }
}
