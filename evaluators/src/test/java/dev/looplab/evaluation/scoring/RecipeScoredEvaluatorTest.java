package dev.looplab.evaluation.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;

/** The shared flow with a score mode that is a shell one-liner: no DJL, no recipe, seconds to run. */
class RecipeScoredEvaluatorTest {
    /** Reads one 4-byte frame, answers the float 1.0 (big-endian), then waits for stdin to close. */
    static final String ANSWERS_ONE = "head -c 4 >/dev/null; printf '\\077\\200\\000\\000'; cat >/dev/null";

    @Test
    void givenATrainedArtifact_whenScored_thenTheMeasurementCarriesTheSharedFields(@TempDir Path dir)
            throws IOException {
        EvaluationRequest request = trained(dir, 10);

        Measurement m = evaluator(dir, ANSWERS_ONE, 1000, 30).evaluate(request);

        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.score()).isEqualTo(1.0);
        assertThat(m.feedback()).isEqualTo("scored 1.0");
        assertThat(m.direction()).isEqualTo(Direction.higher);
        assertThat(m.evaluator()).isEqualTo("shell-score");
        assertThat(m.evaluatorVersion()).isEqualTo("0.1.0");
        assertThat(m.dataSha256()).isEqualTo(new Split().fingerprint());
        assertThat(m.seed()).isEqualTo(5);
        assertThat(m.trainSeconds()).isEqualTo(2.5);
        long code = Files.size(request.recipeDir().resolve("train.sh"));
        assertThat(m.artifactBytes()).isEqualTo(code + 10);
        assertThat(m.metrics()).containsEntry("code_bytes", (double) code).containsEntry("model_bytes", 10.0)
                .containsEntry("artifact_bytes", code + 10.0).containsEntry("planned", 1.0);
    }

    @Test
    void givenTrainingThatOverranCrashedOrWroteNothing_thenEachIsJudgedWithoutScoring(@TempDir Path dir)
            throws IOException {
        ShellScored evaluator = evaluator(dir, ANSWERS_ONE, 1000, 30);
        EvaluationRequest ok = trained(dir, 10);
        Files.writeString(ok.outDir().resolve(RecipeScoredEvaluator.TRAIN_LOG), "step 1\nTraceback: boom\n");

        Measurement late = evaluator.evaluate(request(ok, 137, true));
        Measurement crashed = evaluator.evaluate(request(ok, 1, false));
        Files.delete(ok.outDir().resolve("weights.bin"));
        Measurement nothing = evaluator.evaluate(ok);

        assertThat(late.status()).isEqualTo(TrialStatus.train_budget_overrun);
        assertThat(late.feedback()).isEqualTo("training took longer than the 60 s budget (2.5 s) and was stopped: "
                + "train less");
        assertThat(crashed.status()).isEqualTo(TrialStatus.crash);
        assertThat(crashed.feedback()).contains("training exited with code 1").contains("Traceback: boom");
        assertThat(nothing.status()).isEqualTo(TrialStatus.crash);
        assertThat(nothing.feedback()).contains("wrote no weights.bin to LOOPLAB_OUT").contains("save the weights");
        assertThat(List.of(late, crashed, nothing)).allSatisfy(m -> {
            assertThat(m.score()).isNull();
            assertThat(m.artifactBytes()).isZero();
            assertThat(m.metrics()).containsEntry("planned", 1.0);
        });
    }

    @Test
    void givenAnArtifactOverTheCap_thenItIsSizeBlockedNamingTheKnob(@TempDir Path dir) throws IOException {
        EvaluationRequest request = trained(dir, 2000);

        Measurement m = evaluator(dir, ANSWERS_ONE, 1000, 30).evaluate(request);

        assertThat(m.status()).isEqualTo(TrialStatus.size_blocked);
        assertThat(m.artifactBytes()).isGreaterThan(2000);
        assertThat(m.feedback()).contains("> cap 1,000 B").contains("weights.bin 2,000 B").endsWith(": use fewer bits");
    }

    @Test
    void givenAScoreModeThatNeverAnswers_thenTheEvalBudgetStopsIt(@TempDir Path dir) throws IOException {
        EvaluationRequest request = trained(dir, 10);

        long started = System.nanoTime();
        Measurement m = evaluator(dir, "sleep 60", 1000, 1).evaluate(request);

        assertThat(m.status()).isEqualTo(TrialStatus.eval_budget_overrun);
        assertThat(m.feedback()).isEqualTo("scoring one frame took longer than the 1 s eval budget and was stopped: "
                + "score faster");
        assertThat(m.artifactBytes()).isPositive();
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(30);
    }

    @Test
    void givenAScoreModeThatDies_thenItIsACrashQuotingItsStderr(@TempDir Path dir) throws IOException {
        EvaluationRequest request = trained(dir, 10);

        Measurement m = evaluator(dir, "echo 'weights.bin is not a model' >&2; exit 3", 1000, 30).evaluate(request);

        assertThat(m.status()).isEqualTo(TrialStatus.crash);
        assertThat(m.feedback()).startsWith("score mode failed").contains("weights.bin is not a model");
    }

    @Test
    void givenATaskWithATestSlice_whenTheValidationScoredTheTrial_thenAFreshProcessScoresTheTestSliceBesideIt(
            @TempDir Path dir) throws IOException {
        EvaluationRequest request = trained(dir, 10);
        AtomicInteger passes = new AtomicInteger();
        ShellScored evaluator = evaluator(dir, ANSWERS_ONE, 1000, 30).withTestPass(process -> {
            passes.incrementAndGet();
            float answer = process.exchange(new byte[4], 1, "one test frame")[0];
            process.finish(RecipeScoredEvaluator.FINISH_SECONDS);
            return answer * 3;
        });

        Measurement m = evaluator.evaluate(request);

        // then the score is the validation session's, the test score the test pass's, and neither metrics nor
        // feedback (what proposers read) carry the test number
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.score()).isEqualTo(1.0);
        assertThat(m.testScore()).isEqualTo(3.0);
        assertThat(passes).hasValue(1);
        assertThat(m.metrics().values()).doesNotContain(3.0);
        assertThat(m.feedback()).isEqualTo("scored 1.0");
    }

    @Test
    void givenATestPassThatFailsOrOverruns_thenTheTrialIsJudgedAsWithoutOne(@TempDir Path dir) throws IOException {
        EvaluationRequest request = trained(dir, 10);
        ShellScored failing = evaluator(dir, ANSWERS_ONE, 1000, 30).withTestPass(process -> {
            throw new IOException("the model broke on the test slice");
        });
        ShellScored late = evaluator(dir, ANSWERS_ONE, 1000, 3).withTestPass(process -> {
            Thread.sleep(10_000);
            return 2.0;
        });

        Measurement failed = failing.evaluate(request);
        Measurement overran = late.evaluate(request);

        // then the test slice changed nothing of the verdict: scored as before, only without a test score
        assertThat(List.of(failed, overran)).allSatisfy(m -> {
            assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
            assertThat(m.score()).isEqualTo(1.0);
            assertThat(m.testScore()).isNull();
            assertThat(m.feedback()).isEqualTo("scored 1.0");
        });
    }

    @Test
    void givenATrialTheValidationDidNotScore_thenTheTestSliceIsNeverScored(@TempDir Path dir) throws IOException {
        AtomicInteger passes = new AtomicInteger();
        ShellScored evaluator = evaluator(dir, ANSWERS_ONE, 1000, 30).withTestPass(process -> {
            passes.incrementAndGet();
            return 2.0;
        });

        Measurement blocked = evaluator.evaluate(trained(dir, 2000));
        Measurement dead = evaluator(dir, "exit 3", 1000, 30).withTestPass(process -> {
            passes.incrementAndGet();
            return 2.0;
        }).evaluate(trained(dir, 10));

        assertThat(blocked.status()).isEqualTo(TrialStatus.size_blocked);
        assertThat(dead.status()).isEqualTo(TrialStatus.crash);
        assertThat(List.of(blocked, dead)).allSatisfy(m -> assertThat(m.testScore()).isNull());
        assertThat(passes).hasValue(0);
    }

    @Test
    void givenTheTrainingDataFolder_thenTheRecipeGetsTheTrainingSideOnly(@TempDir Path dir) throws IOException {
        ShellScored evaluator = evaluator(dir, ANSWERS_ONE, 1000, 30);

        var data = evaluator.prepareTrainingData(dir.resolve("data"));

        assertThat(data.path()).hasFileName("train.bin").hasContent("train");
        assertThat(data.bytes()).isEqualTo(5);
        assertThat(data.sha256()).isEqualTo(DataSplit.sha256("train".getBytes()));
    }

    private static EvaluationRequest trained(Path dir, int modelBytes) throws IOException {
        Path recipe = Files.createDirectories(dir.resolve("recipe"));
        Files.writeString(recipe.resolve("train.sh"), "echo training\n");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.write(out.resolve("weights.bin"), new byte[modelBytes]);
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        return new EvaluationRequest(recipe, out, scratch, 0, false, 2.5, 5);
    }

    private static EvaluationRequest request(EvaluationRequest r, int exitCode, boolean timedOut) {
        return new EvaluationRequest(r.recipeDir(), r.outDir(), r.scratchDir(), exitCode, timedOut, r.trainSeconds(),
                r.seed());
    }

    private static ShellScored evaluator(Path dir, String script, long capBytes, int evalBudgetSeconds) {
        TaskDefinition task = new TaskDefinition(dir, "shell", "", TaskDefinition.Runtime.process, "train.sh",
                List.of("sh", "train.sh"), 60, evalBudgetSeconds, capBytes, "shell-score", 0, Map.of(), List.of());
        return new ShellScored(task, script);
    }

    /** A task whose score mode is {@code sh -c script}: one frame out, one float back. */
    static final class ShellScored extends RecipeScoredEvaluator<Split, Float> {
        private final String script;
        private TestPass testPass;

        ShellScored(TaskDefinition task, String script) {
            super(task, "shell", "shell-score", "0.1.0", Direction.higher, Split::new, 1);
            this.script = script;
        }

        /** The same task with a test slice, scored by {@code pass}. */
        ShellScored withTestPass(TestPass pass) {
            this.testPass = pass;
            return this;
        }

        @Override
        protected Optional<TestPass> testPass(EvaluationRequest request) {
            return Optional.ofNullable(testPass);
        }

        @Override
        protected String trainingFile() {
            return "train.bin";
        }

        @Override
        protected List<String> modelFiles() {
            return List.of("weights.bin");
        }

        @Override
        protected Map<String, Double> taskMetrics() {
            return Map.of("planned", 1.0);
        }

        @Override
        protected ScoreMode scoreMode(EvaluationRequest request) {
            return new ScoreMode(List.of("sh", "-c", script), Map.of(), List.of());
        }

        @Override
        protected Session<Float> session(Verdicts v) {
            return process -> {
                float answer = process.exchange(new byte[4], 1, "one frame")[0];
                process.finish(FINISH_SECONDS);
                return answer;
            };
        }

        @Override
        protected Measurement judge(Float measured, Verdicts v) {
            return v.scored(measured, "scored " + measured);
        }

        @Override
        protected String trainBudgetFix() {
            return "train less";
        }

        @Override
        protected String exportFix() {
            return "save the weights";
        }

        @Override
        protected Optional<String> sizeCapFix() {
            return Optional.of("use fewer bits");
        }

        @Override
        protected String scoringDescription() {
            return "scoring one frame";
        }

        @Override
        protected String evalBudgetFix() {
            return "score faster";
        }
    }

    /** Five training bytes, nothing held out worth the name. */
    static final class Split implements DataSplit {
        @Override
        public String writeTraining(Path file) {
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, "train");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return trainSha256();
        }

        @Override
        public long trainBytes() {
            return 5;
        }

        @Override
        public String trainSha256() {
            return DataSplit.sha256("train".getBytes());
        }

        @Override
        public String heldOutSha256() {
            return DataSplit.sha256("held out".getBytes());
        }
    }
}
