package dev.looplab.evaluation.python;

import static dev.looplab.evaluation.python.PythonTaskFixtures.PYTHON;
import static dev.looplab.evaluation.python.PythonTaskFixtures.RECIPES;
import static dev.looplab.evaluation.python.PythonTaskFixtures.fileNames;
import static dev.looplab.evaluation.python.PythonTaskFixtures.shrunkRecipe;
import static dev.looplab.evaluation.python.PythonTaskFixtures.synthetic;
import static dev.looplab.evaluation.python.PythonTaskFixtures.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.Evaluator.TrainingData;
import dev.looplab.evaluation.ProcessSandbox;
import dev.looplab.evaluation.airbench.Airbench96Evaluator;
import dev.looplab.evaluation.golf.ParameterGolfEvaluator;
import dev.looplab.evaluation.nanochat.NanochatEvaluator;
import dev.looplab.evaluation.registry.EvaluatorRegistry;
import dev.looplab.evaluation.registry.EvaluatorSettings;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;

/**
 * The Python tasks through their Java evaluators, on CPU with Debian's python3-torch: tiny data in the real
 * formats (FineWeb shards and a SentencePiece model, CIFAR-10 binary batches, text and a CORE bundle), the
 * training folder prepared by the evaluator, the real recipe shrunk through its knobs and trained as the worker
 * trains it, then the artifact scored by the evaluator into a {@link Measurement}.
 */
class PythonTaskEvaluatorsTest {
    @TempDir
    static Path shared;
    static LooplabEvalPackage pkg;
    static Path golfData;

    @BeforeAll
    static void pythonWithTorchAndGolfData() throws Exception {
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!probe.waitFor(2, TimeUnit.MINUTES) || probe.exitValue() != 0) {
            fail(PYTHON + " cannot import torch (" + out.strip() + "): install Debian's python3-torch");
        }
        pkg = LooplabEvalPackage.extract(shared.resolve("home").resolve("python"));
        golfData = shared.resolve("golf");
        synthetic(pkg, "golf", golfData.toString(), "--vocab", "300", "--train-tokens", "40000", "--val-tokens",
                "2049");
    }

    @Test
    void parameterGolfIsTrainedOnTheTrainShardsAndScoredInBitsPerByteOnTheHeldOutOnes(@TempDir Path dir)
            throws Exception {
        // given the task's evaluator built from its task.yaml and a data folder with train and val shards
        Evaluator evaluator = golf(dir);
        assertThat(evaluator).isInstanceOf(ParameterGolfEvaluator.class);
        assertThat(evaluator.heldOutPaths()).containsExactly(golfData.toAbsolutePath().normalize());

        // when it prepares the training data, then only the train shards and their meta reach it
        TrainingData data = evaluator.prepareTrainingData(dir.resolve("data"));
        assertThat(fileNames(data.path())).containsExactly("fineweb_train_000000.bin", "meta.json");
        assertThat(data.sha256()).hasSize(64);
        // and a second preparation from unchanged data reuses the folder without running prepare again
        FileTime prepared = Files.getLastModifiedTime(dir.resolve("data").resolve("prepare.log"));
        assertThat(evaluator.prepareTrainingData(dir.resolve("data"))).isEqualTo(data);
        assertThat(Files.getLastModifiedTime(dir.resolve("data").resolve("prepare.log"))).isEqualTo(prepared);

        // when the real recipe, shrunk, trains 16 steps and the evaluator scores it, its model in a sandbox
        Path recipe = shrunkRecipe("parameter-golf", "train_gpt.py", PythonTaskFixtures.TINY_GOLF, dir.resolve("r"));
        RecordingSandbox sandbox = new RecordingSandbox(dir.resolve("sandboxed"));
        EvaluationRequest request = train(recipe, "train_gpt.py", data.path(), dir.resolve("work"),
                Map.of("LOOPLAB_STEPS", "16"), sandbox, 600);
        assertThat(request.trainExitCode()).as(log(request)).isZero();
        Measurement m = evaluator.evaluate(request);

        // then it is scored in bits per byte, below the uniform model's, with the artifact's bytes counted
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.direction()).isEqualTo(Direction.lower);
        assertThat(m.score()).isPositive().isEqualTo(m.metrics().get("val_bpb"));
        assertThat(m.metrics().get("val_loss")).isLessThan(Math.log(300));
        assertThat(m.metrics()).containsEntry("eval_tokens", 2048.0).containsEntry("causality_max_delta", 0.0)
                .containsEntry("eval_seq_len", 32.0);
        assertThat(m.artifactBytes()).isEqualTo(Files.size(recipe.resolve("train_gpt.py"))
                + Files.size(request.outDir().resolve("model.bin")));
        assertThat(m.evaluator()).isEqualTo("parameter-golf-bpb");
        assertThat(m.evaluatorVersion()).isEqualTo(pkg.version());
        assertThat(m.dataSha256()).hasSize(64);
        assertThat(m.trainSeconds()).isEqualTo(request.trainSeconds());
        assertThat(m.evalSeconds()).isPositive();
        assertThat(m.seed()).isEqualTo(7);
        assertThat(m.feedback()).contains("val_bpb");
        // and the recipe's model ran through the sandbox, seeing the recipe, its private copy and the package only
        assertThat(sandbox.started()).isTrue();
        assertThat(sandbox.readOnly).containsExactly(recipe.toAbsolutePath(),
                request.scratchDir().toAbsolutePath().resolve("tmp"), pkg.pythonPath());
        assertThat(sandbox.writable).isEmpty();
        assertThat(request.outDir().resolve(PythonTaskEvaluator.SCORE_LOG)).exists();
    }

    @Test
    void nanochatIsTrainedOnTokenizedTextAndScoredByCoreOnTheHeldOutBundle(@TempDir Path dir) throws Exception {
        // given training text with its tokenizer, and a CORE bundle of three tasks
        Path source = dir.resolve("source");
        synthetic(pkg, "nanochat", source.toString());
        Evaluator evaluator = EvaluatorRegistry.builtIn().create(TaskDefinition.load(RECIPES.resolve("nanochat-d12")),
                settings(dir, Map.of("nanochat-d12.text", source.resolve("text").toString(),
                        "nanochat-d12.bundle", source.resolve("bundle").toString())));
        assertThat(evaluator).isInstanceOf(NanochatEvaluator.class);
        assertThat(evaluator.heldOutPaths()).contains(source.resolve("bundle").toAbsolutePath());

        // when it prepares the training data, then the text arrives as token shards, nothing of the bundle
        TrainingData data = evaluator.prepareTrainingData(dir.resolve("data"));
        assertThat(fileNames(data.path())).containsExactly("meta.json", "tokens_train_000000.bin");

        // when the shrunk recipe trains 12 steps and the evaluator scores it
        Path recipe = shrunkRecipe("nanochat-d12", "train.py", PythonTaskFixtures.TINY_NANOCHAT, dir.resolve("r"));
        EvaluationRequest request = train(recipe, "train.py", data.path(), dir.resolve("work"),
                Map.of("LOOPLAB_STEPS", "12"), ProcessSandbox.NONE, 5400);
        assertThat(request.trainExitCode()).as(log(request)).isZero();
        Measurement m = evaluator.evaluate(request);

        // then CORE is a centred accuracy over the three tasks, higher is better
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.direction()).isEqualTo(Direction.higher);
        assertThat(m.score()).isBetween(-1.0, 1.0).isEqualTo(m.metrics().get("core"));
        assertThat(m.metrics()).containsEntry("core_tasks", 3.0).containsEntry("core_examples", 9.0);
        assertThat(m.artifactBytes()).isEqualTo(Files.size(recipe.resolve("train.py"))
                + Files.size(request.outDir().resolve("model.bin")));
        assertThat(m.evaluator()).isEqualTo("nanochat-core");
    }

    @Test
    void airbench96ScoresTrainingSecondsPerRunWhenTheRunsPassTheGateOnTheHeldOutTestBatch(@TempDir Path dir)
            throws Exception {
        // given CIFAR-10 batches and the task judged over 2 runs against a gate of 0.3
        Path cifar = dir.resolve("cifar");
        synthetic(pkg, "cifar", cifar.toString(), "--per-batch", "40", "--test", "60");
        TaskDefinition yaml = TaskDefinition.load(RECIPES.resolve("airbench96"));
        TaskDefinition task = new TaskDefinition(yaml.taskDir(), yaml.name(), yaml.description(), yaml.runtime(),
                yaml.entry(), yaml.command(), yaml.trainBudgetSeconds(), yaml.evalBudgetSeconds(),
                yaml.artifactCapBytes(), yaml.evaluator(), yaml.keepThreshold(), yaml.surfaces(),
                yaml.evaluatorOwned(), 0.3, 2);
        Evaluator evaluator = EvaluatorRegistry.builtIn().create(task,
                settings(dir, Map.of("airbench96.cifar", cifar.toString())));
        assertThat(evaluator).isInstanceOf(Airbench96Evaluator.class);
        assertThat(evaluator.trainingEnvironment()).containsEntry("LOOPLAB_RUNS", "2");

        // when it prepares the training data, then the five training batches arrive, never the test batch
        TrainingData data = evaluator.prepareTrainingData(dir.resolve("data"));
        assertThat(fileNames(data.path())).containsExactly("data_batch_1.bin", "data_batch_2.bin",
                "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "meta.json");

        // when the shrunk recipe trains its 2 runs of 8 steps and the evaluator scores them
        Path recipe = shrunkRecipe("airbench96", "train.py", PythonTaskFixtures.TINY_AIRBENCH, dir.resolve("r"));
        Map<String, String> env = new HashMap<>(evaluator.trainingEnvironment());
        env.put("LOOPLAB_STEPS", "8");
        EvaluationRequest request = train(recipe, "train.py", data.path(), dir.resolve("work"), env,
                ProcessSandbox.NONE, 2400);
        assertThat(request.trainExitCode()).as(log(request)).isZero();
        Measurement m = evaluator.evaluate(request);

        // then the score is the worker's training seconds per run, the gate measured by the evaluator
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.score()).isCloseTo(request.trainSeconds() / 2, within(1e-3));
        assertThat(m.metrics().get("accuracy_mean")).isGreaterThanOrEqualTo(0.3);
        assertThat(m.metrics()).containsKeys("accuracy_run0", "accuracy_run1", "batch_max_delta");
        long weights = 0;
        for (String file : fileNames(request.outDir())) {
            weights += file.startsWith("run-") ? Files.size(request.outDir().resolve(file)) : 0;
        }
        assertThat(m.artifactBytes()).isEqualTo(Files.size(recipe.resolve("train.py")) + weights);
        assertThat(m.evaluator()).isEqualTo("airbench96-time");
    }

    @Test
    void aTrainingThatFailedIsACrashThatQuotesItsLog(@TempDir Path dir) throws Exception {
        // given a run whose recipe raised and exited 1
        Evaluator evaluator = golf(dir);
        EvaluationRequest request = failedRun(dir, 1, false, 3.0, "Traceback (most recent call last):\n"
                + "ValueError: MODEL_DIM must be divisible by NUM_HEADS\n");

        // when it is evaluated, then it is a crash naming the exit code and the recipe's error
        Measurement m = evaluator.evaluate(request);
        assertThat(m.status()).isEqualTo(TrialStatus.crash);
        assertThat(m.score()).isNull();
        assertThat(m.feedback()).contains("exited with code 1").contains("MODEL_DIM must be divisible");
        assertThat(m.dataSha256()).hasSize(64);
    }

    @Test
    void aRunTheWorkerKilledAtItsBudgetIsATrainBudgetOverrun(@TempDir Path dir) throws Exception {
        // given a run killed after 75 s of a 60 s budget
        Evaluator evaluator = golf(dir);
        EvaluationRequest request = failedRun(dir, 137, true, 75.0, "step 10\n");

        // when it is evaluated, then it is an overrun that names the budget
        Measurement m = evaluator.evaluate(request);
        assertThat(m.status()).isEqualTo(TrialStatus.train_budget_overrun);
        assertThat(m.feedback()).contains("60 s budget");
    }

    @Test
    void heldOutDataThatVanishedIsTheEvaluatorsErrorNotTheTrials(@TempDir Path dir) throws Exception {
        // given an evaluator whose validation shard is gone by the time it scores
        Path data = dir.resolve("golf");
        synthetic(pkg, "golf", data.toString(), "--vocab", "300", "--train-tokens", "4000", "--val-tokens", "200");
        Evaluator evaluator = EvaluatorRegistry.builtIn().create(TaskDefinition.load(RECIPES.resolve("parameter-golf")),
                settings(dir, Map.of("parameter-golf.data", data.toString())));
        Files.delete(data.resolve("fineweb_val_000000.bin"));
        EvaluationRequest request = failedRun(dir, 0, false, 3.0, "");

        // when it is evaluated, then it refuses to judge, saying why and where to look, instead of blaming the trial
        assertThatThrownBy(() -> evaluator.evaluate(request)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("parameter-golf-bpb cannot judge").hasMessageContaining("held-out split is missing")
                .hasMessageContaining("looplab.tasks.parameter-golf");
    }

    @Test
    void aTaskWhoseDataIsNotConfiguredFailsNamingTheSettingAndTheFix(@TempDir Path dir) {
        // given no data settings at all, then each GPU task's evaluator names the setting it needs
        EvaluatorSettings none = settings(dir, Map.of());
        assertThatThrownBy(() -> EvaluatorRegistry.builtIn().create(TaskDefinition.load(
                RECIPES.resolve("parameter-golf")), none))
                .isInstanceOf(TaskDataSetting.MissingTaskDataException.class)
                .hasMessageContaining("looplab.tasks.parameter-golf.data (it is not set)")
                .hasMessageContaining("LOOPLAB_TASKS_PARAMETER_GOLF_DATA").hasMessageContaining("fineweb_train_*.bin");
        assertThatThrownBy(() -> EvaluatorRegistry.builtIn().create(TaskDefinition.load(
                RECIPES.resolve("airbench96")), none))
                .hasMessageContaining("looplab.tasks.airbench96.cifar").hasMessageContaining("test_batch.bin");
        assertThatThrownBy(() -> EvaluatorRegistry.builtIn().create(TaskDefinition.load(
                RECIPES.resolve("nanochat-d12")), none))
                .hasMessageContaining("looplab.tasks.nanochat-d12.text")
                .hasMessageContaining("LOOPLAB_TASKS_NANOCHAT_D12_TEXT");
        // and a folder that does not exist is named as such
        assertThatThrownBy(() -> EvaluatorRegistry.builtIn().create(TaskDefinition.load(
                RECIPES.resolve("airbench96")), settings(dir, Map.of("airbench96.cifar", "/nonexistent/cifar"))))
                .hasMessageContaining("/nonexistent/cifar is not a folder");
    }

    @Test
    void aPythonWithoutTheInterpreterSaysWhichSettingToChange(@TempDir Path dir) {
        // given a worker pointed at a python3 that does not exist
        Evaluator evaluator = EvaluatorRegistry.builtIn().create(TaskDefinition.load(RECIPES.resolve("parameter-golf")),
                new EvaluatorSettings(1, Path.of("/nonexistent/python3"), dir.resolve("home"), null,
                        Map.of("parameter-golf.data", golfData.toString())));

        // then preparing the data fails naming the setting
        assertThatThrownBy(() -> evaluator.prepareTrainingData(dir.resolve("data")))
                .hasMessageContaining("/nonexistent/python3").hasMessageContaining("looplab.worker.python");
    }

    private static Evaluator golf(Path dir) {
        return EvaluatorRegistry.builtIn().create(TaskDefinition.load(RECIPES.resolve("parameter-golf")),
                settings(dir, Map.of("parameter-golf.data", golfData.toString())));
    }

    private static EvaluatorSettings settings(Path dir, Map<String, String> taskData) {
        return new EvaluatorSettings(1, PYTHON, shared.resolve("home"), null, taskData);
    }

    /** A run that never got to write a model: {@code log} as its train.log. */
    private static EvaluationRequest failedRun(Path dir, int exitCode, boolean killed, double seconds, String log)
            throws IOException {
        Path recipe = shrunkRecipe("parameter-golf", "train_gpt.py", PythonTaskFixtures.TINY_GOLF, dir.resolve("r"));
        Path out = Files.createDirectories(dir.resolve("work").resolve("out"));
        Files.writeString(out.resolve("train.log"), log);
        return new EvaluationRequest(recipe, out, Files.createDirectories(dir.resolve("work").resolve("scratch")),
                exitCode, killed, seconds, 7, ProcessSandbox.NONE, 60);
    }

    private static String log(EvaluationRequest request) throws IOException {
        return Files.readString(request.outDir().resolve("train.log"));
    }

    /**
     * A sandbox that records what the model process may see and proves it was used: its prefix touches a marker
     * file, then runs the command unconfined.
     */
    static final class RecordingSandbox implements ProcessSandbox {
        private final Path marker;
        final List<Path> readOnly = new ArrayList<>();
        final List<Path> writable = new ArrayList<>();

        RecordingSandbox(Path marker) {
            this.marker = marker;
        }

        @Override
        public List<String> wrap(List<String> command, Path workDir, List<Path> readOnly, List<Path> writable) {
            this.readOnly.addAll(readOnly);
            this.writable.addAll(writable);
            List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "touch \"$0\"; exec \"$@\"",
                    marker.toString()));
            argv.addAll(command);
            return argv;
        }

        boolean started() {
            return Files.exists(marker);
        }
    }
}
