package dev.looplab.evaluation.golf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.evaluation.task.TaskDefinition;

/** Real recipes, real DJL, real child JVMs: each test trains (briefly) and scores like a worker. */
class GolfMiniEvaluatorTest {
    static TaskDefinition task;
    static GolfMiniEvaluator evaluator;
    static Path trainData;

    @BeforeAll
    static void prepare(@TempDir Path shared) {
        task = TaskDefinition.load(Path.of(System.getProperty("looplab.recipes.dir", "../recipes")).resolve("golf-mini"));
        GolfMiniData data = GolfMiniData.fromDebianFortunes();
        evaluator = new GolfMiniEvaluator(task, () -> data, 1);
        Evaluator.TrainingData training = evaluator.prepareTrainingData(shared.resolve("data"));
        assertThat(training.sha256()).isEqualTo(data.trainSha256());
        trainData = training.path();
    }

    @Test
    void aBaselineRunScoresBetterThanUniform(@TempDir Path work) throws Exception {
        // given the baseline recipe trained under a short budget
        Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe"), null, null);
        EvaluationRequest request = RecipeTraining.train(recipe, trainData, work, 30, 1, 0);
        assertThat(request.trainExitCode()).as("training exit code").isZero();
        // when evaluated
        Measurement m = evaluator.evaluate(request);
        double unigram = ByteNgramBaseline.unigramBpb(evaluator.data().train(), evaluator.data().heldOut());
        System.out.printf("baseline (30 s): %s unigram %.4f %s%n", m.feedback(), unigram, m.metrics());
        // then it is scored in bits per byte, better than uniform; beating the unigram (about 4.8 bpb) needs
        // a few hundred steps, more than a 30 s budget gives on a busy two-core machine
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.score()).isLessThan(8.0);
        assertThat(m.metrics().get("eval_bytes")).isEqualTo(GolfMiniData.HELD_OUT_BYTES - 1.0);
        assertThat(m.metrics().get("val_loss_nats")).isCloseTo(m.score() * Math.log(2), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.artifactBytes()).isEqualTo(Files.size(recipe.resolve("Recipe.java"))
                + Files.size(request.outDir().resolve("model.bin")));
        assertThat(m.evaluator()).isEqualTo(GolfMiniEvaluator.NAME);
        assertThat(m.evaluatorVersion()).isEqualTo(GolfMiniEvaluator.VERSION);
        assertThat(m.dataSha256()).isEqualTo(evaluator.data().fingerprint());
        // and the test slice is scored beside it, in the same unit, but kept out of what proposers read
        assertThat(m.testScore()).isNotNull().isBetween(0.0, 8.0).isNotEqualTo(m.score());
        assertThat(m.metrics().keySet()).noneMatch(k -> k.contains("test"));
        assertThat(m.metrics().values()).doesNotContain(m.testScore());
        assertThat(m.feedback()).doesNotContain("test");
    }

    @Test
    void theSameSeedThreadsAndStepsGiveTheSameBitsEvenWhenTheCollectorRunsAllTheTime(@TempDir Path work)
            throws Exception {
        // given two trainings of the same recipe, seed and threads for a fixed number of steps, the second with a
        // 1 MB young generation, so the garbage collector runs every few steps and frees unreachable direct buffers
        // (a scalar operand passed as a Java number to an op that needs a gradient is one: with it, backward read
        // freed memory and this pair differed or went NaN in 4 of 4 tries), and with glibc's default allocator
        // thresholds instead of DjlRuntime's (other addresses for every tensor: the numbers must not move)
        Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe"), null, null);
        EvaluationRequest first = RecipeTraining.train(recipe, trainData, work.resolve("a"), 60, 7, 24);
        EvaluationRequest second = RecipeTraining.train(recipe, trainData, work.resolve("b"), 60, 7, 24,
                java.util.Map.of("JDK_JAVA_OPTIONS", "-Xmn1m", "GLIBC_TUNABLES", ""));
        // when both are evaluated
        Measurement a = evaluator.evaluate(first);
        Measurement b = evaluator.evaluate(second);
        // then the artifacts and the scores are identical, bit for bit
        assertThat(a.status()).as(a.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(b.status()).as(b.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(Files.readAllBytes(second.outDir().resolve("model.bin")))
                .isEqualTo(Files.readAllBytes(first.outDir().resolve("model.bin")));
        assertThat(Double.doubleToLongBits(b.score())).isEqualTo(Double.doubleToLongBits(a.score()));
    }

    @Test
    void aBudgetedRunReplayedWithItsRecordedStepsIsIdentical(@TempDir Path work) throws Exception {
        // given a run that fills a wallclock budget: it plans its step count after timing its first steps
        Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe"), null, null);
        EvaluationRequest original = RecipeTraining.train(recipe, trainData, work.resolve("a"), 30, 7, 0);
        int planned = (int) RecipeTraining.lastMetric(work.resolve("a"), "planned_steps");
        int trained = (int) RecipeTraining.lastMetric(work.resolve("a"), "train_steps");
        assertThat(planned).as("planned_steps in metrics.jsonl").isPositive();
        assertThat(trained).as("train_steps in metrics.jsonl").isPositive().isLessThanOrEqualTo(planned);
        // when it is replayed with exactly the recorded schedule (same seed, one thread) and more time
        java.util.Map<String, String> stop = trained < planned
                ? java.util.Map.of("LOOPLAB_STOP_STEP", Integer.toString(trained)) : java.util.Map.of();
        EvaluationRequest replay = RecipeTraining.train(recipe, trainData, work.resolve("b"), 90, 7, planned, stop);
        Measurement a = evaluator.evaluate(original);
        Measurement b = evaluator.evaluate(replay);
        // then it trains the same steps and lands on the same model and score, bit for bit
        System.out.printf("budgeted run: %d of %d planned steps, bpb %s; replay bpb %s%n", trained, planned,
                a.score(), b.score());
        assertThat(a.status()).as(a.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(RecipeTraining.lastMetric(work.resolve("b"), "train_steps")).isEqualTo(trained);
        assertThat(Files.readAllBytes(replay.outDir().resolve("model.bin")))
                .isEqualTo(Files.readAllBytes(original.outDir().resolve("model.bin")));
        assertThat(Double.doubleToLongBits(b.score())).isEqualTo(Double.doubleToLongBits(a.score()));
    }

    @Test
    void aRecipeWhoseAttentionSeesLaterBytesIsIllegal(@TempDir Path work) throws Exception {
        // given a recipe edited to drop the causal mask, trained for a few steps
        Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe"),
                "scores = scores.add(causalMask(x.getManager(), len));", "");
        EvaluationRequest request = RecipeTraining.train(recipe, trainData, work, 60, 3, 8);
        assertThat(request.trainExitCode()).isZero();
        // when evaluated
        Measurement m = evaluator.evaluate(request);
        // then the causality probe catches it before any score
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.illegal);
        assertThat(m.score()).isNull();
        assertThat(m.feedback()).contains("the model peeks ahead");
        assertThat(m.metrics().get("causality_max_delta")).isGreaterThan(GolfMiniEvaluator.CAUSALITY_TOLERANCE);
    }

    @Test
    void anArtifactOverTheCapIsSizeBlockedBeforeScoring(@TempDir Path work) throws Exception {
        // given a model.bin that with the code exceeds the 1,000,000 B cap
        Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe"), null, null);
        Path out = Files.createDirectories(work.resolve("out"));
        byte[] model = new byte[1_000_000];
        new Random(1).nextBytes(model);
        Files.write(out.resolve("model.bin"), model);
        // when evaluated
        Measurement m = evaluator.evaluate(new EvaluationRequest(recipe, out, work, 0, false, 10, 1));
        // then it is size_blocked with the numbers and the fix
        long expected = 1_000_000 + Files.size(recipe.resolve("Recipe.java"));
        assertThat(m.status()).isEqualTo(TrialStatus.size_blocked);
        assertThat(m.artifactBytes()).isEqualTo(expected);
        assertThat(m.feedback()).contains(String.format(java.util.Locale.ROOT, "size %,d B > cap 1,000,000 B", expected))
                .contains("shrink D_MODEL or quantize harder");
    }

    @Test
    void failedOrLateTrainingIsClassifiedWithoutScoring(@TempDir Path work) throws IOException {
        // given a recipe folder and three ways training can go wrong
        Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe"), null, null);
        Path out = Files.createDirectories(work.resolve("out"));
        Files.writeString(out.resolve(GolfMiniEvaluator.TRAIN_LOG), "step 1\njava.lang.OutOfMemoryError: boom\n");
        // when evaluated, then each gets its status and a reason
        Measurement crashed = evaluator.evaluate(new EvaluationRequest(recipe, out, work, 1, false, 3, 1));
        assertThat(crashed.status()).isEqualTo(TrialStatus.crash);
        assertThat(crashed.feedback()).contains("exited with code 1").contains("OutOfMemoryError: boom");
        Measurement noModel = evaluator.evaluate(new EvaluationRequest(recipe, out, work, 0, false, 3, 1));
        assertThat(noModel.status()).isEqualTo(TrialStatus.crash);
        assertThat(noModel.feedback()).contains("wrote no model.bin");
        Measurement late = evaluator.evaluate(new EvaluationRequest(recipe, out, work, -1, true, 95, 1));
        assertThat(late.status()).isEqualTo(TrialStatus.train_budget_overrun);
        assertThat(late.feedback()).contains("90 s budget");
    }

    @Test
    void scoringPastTheEvalBudgetIsStopped(@TempDir Path work) throws IOException {
        // given a task whose eval budget is shorter than a JVM start, and an artifact of legal size
        TaskDefinition tight = new TaskDefinition(task.taskDir(), task.name(), task.description(), task.runtime(),
                task.entry(), task.command(), task.trainBudgetSeconds(), 1, task.artifactCapBytes(),
                task.evaluator(), task.keepThreshold(), task.surfaces(), task.evaluatorOwned());
        GolfMiniEvaluator impatient = new GolfMiniEvaluator(tight, evaluator::data, 1);
        Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe"), null, null);
        Path out = Files.createDirectories(work.resolve("out"));
        Files.write(out.resolve("model.bin"), new byte[1000]);
        // when evaluated
        Measurement m = impatient.evaluate(new EvaluationRequest(recipe, out, work, 0, false, 10, 1));
        // then it is an eval budget overrun
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.eval_budget_overrun);
        assertThat(m.feedback()).contains("1 s eval budget");
    }

    @Test
    void theEvalWindowFollowsTheRecipesSeqLen() {
        // given recipe sources with and without a literal SEQ_LEN, then the window follows, within bounds
        assertThat(GolfMiniEvaluator.evalWindow("static final int SEQ_LEN = 64; // @knob")).isEqualTo(64);
        assertThat(GolfMiniEvaluator.evalWindow("static final int SEQ_LEN = 100000;")).isEqualTo(GolfMiniEvaluator.MAX_WINDOW);
        assertThat(GolfMiniEvaluator.evalWindow("no knob here")).isEqualTo(GolfMiniEvaluator.DEFAULT_WINDOW);
    }

    @Test
    void negativeLogLikelihoodIsTheLogSoftmaxOfTheTarget() throws IOException {
        // given uniform logits over 256 bytes, then every byte costs ln 256 nats (8 bits)
        float[] logits = new float[GolfMiniEvaluator.VOCAB];
        assertThat(GolfMiniEvaluator.negativeLogLikelihood(logits, 0, 42))
                .isCloseTo(Math.log(256), org.assertj.core.data.Offset.offset(1e-12));
        // and shifting all logits by a constant changes nothing
        java.util.Arrays.fill(logits, 1000f);
        logits[7] = 1001f;
        double expected = -(1 - Math.log(255 + Math.E));
        assertThat(GolfMiniEvaluator.negativeLogLikelihood(logits, 0, 7))
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
    }
}
