package dev.looplab.evaluation.noop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.evaluation.task.TaskDefinition;

class ExitCodeEvaluatorTest {

    @Test
    void givenACommandThatExitedZero_thenTheTrialScoresZero(@TempDir Path dir) throws IOException {
        ExitCodeEvaluator evaluator = new ExitCodeEvaluator(task(dir, "runtime: process\ncommand: [\"true\"]\n"));

        Measurement m = evaluator.evaluate(new EvaluationRequest(dir, dir, dir, 0, false, 0.02, 7));

        assertThat(m.status()).isEqualTo(TrialStatus.scored);
        assertThat(m.score()).isEqualTo(0.0);
        assertThat(m.trainSeconds()).isEqualTo(0.02);
        assertThat(m.seed()).isEqualTo(7);
        assertThat(m.evaluator()).isEqualTo("exit-code");
    }

    @Test
    void givenACommandThatFailedOrOverran_thenTheTrialFailsWithTheReason(@TempDir Path dir) throws IOException {
        ExitCodeEvaluator evaluator = new ExitCodeEvaluator(task(dir, "runtime: process\ncommand: [\"false\"]\n"));

        Measurement crashed = evaluator.evaluate(new EvaluationRequest(dir, dir, dir, 3, false, 0.1, 1));
        Measurement overran = evaluator.evaluate(new EvaluationRequest(dir, dir, dir, 137, true, 31, 1));

        assertThat(crashed.status()).isEqualTo(TrialStatus.crash);
        assertThat(crashed.score()).isNull();
        assertThat(crashed.feedback()).contains("exited with code 3");
        assertThat(overran.status()).isEqualTo(TrialStatus.train_budget_overrun);
        assertThat(overran.feedback()).contains("30 s budget");
    }

    @Test
    void givenTheTrainingDataFolder_thenTheRecipeGetsAnEmptyFileWithItsFingerprint(@TempDir Path dir) throws IOException {
        ExitCodeEvaluator evaluator = new ExitCodeEvaluator(task(dir, "runtime: process\ncommand: [\"true\"]\n"));

        Evaluator.TrainingData data = evaluator.prepareTrainingData(dir);

        assertThat(data.path()).isRegularFile().isEmptyFile();
        assertThat(data.bytes()).isZero();
        assertThat(data.sha256()).isEqualTo(ExitCodeEvaluator.EMPTY_SHA256);
    }

    @Test
    void givenADjlTask_thenItIsRefusedNamingTheFix(@TempDir Path dir) throws IOException {
        TaskDefinition djl = task(dir, "runtime: djl\nentry: Recipe.java\n");

        assertThatThrownBy(() -> new ExitCodeEvaluator(djl))
                .isInstanceOf(TaskDefinition.InvalidTaskException.class)
                .hasMessageContaining("task.yaml").hasMessageContaining("runtime: process");
    }

    private static TaskDefinition task(Path dir, String runtime) throws IOException {
        Path taskDir = Files.createDirectories(dir.resolve("noop"));
        Files.writeString(taskDir.resolve(TaskDefinition.FILE_NAME), "name: noop\n" + runtime + """
                train_budget_seconds: 30
                eval_budget_seconds: 30
                evaluator: exit-code
                keep_threshold: 0.0
                """);
        return TaskDefinition.load(taskDir);
    }
}
