package dev.looplab.evaluation.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.noop.ExitCodeEvaluator;
import dev.looplab.evaluation.task.TaskDefinition;

class EvaluatorRegistryTest {

    @Test
    void givenTheBuiltInRegistry_thenEveryEvaluatorKindIsListedByItsTaskYamlName() {
        assertThat(EvaluatorRegistry.builtIn().names())
                .containsExactly("airbench-mini-acc", "airbench96-time", "exit-code", "golf-mini-bpb", "nanochat-core",
                        "parameter-golf-bpb");
    }

    @Test
    void givenATaskNamingAKnownEvaluator_thenItsFactoryBuildsIt(@TempDir Path dir) throws IOException {
        TaskDefinition task = task(dir, "exit-code");

        Evaluator evaluator = EvaluatorRegistry.builtIn().create(task, new EvaluatorSettings(2));

        assertThat(evaluator).isInstanceOf(ExitCodeEvaluator.class);
        assertThat(evaluator.task()).isEqualTo("noop");
    }

    @Test
    void givenAnUnknownEvaluator_thenTheErrorNamesTheFileTheNameTheKnownOnesAndTheFix(@TempDir Path dir)
            throws IOException {
        TaskDefinition task = task(dir, "judge-by-vibes");

        assertThatThrownBy(() -> EvaluatorRegistry.builtIn().create(task, new EvaluatorSettings(1)))
                .isInstanceOf(TaskDefinition.InvalidTaskException.class)
                .hasMessageContaining(dir.resolve("noop").resolve("task.yaml").toString())
                .hasMessageContaining("names evaluator 'judge-by-vibes'")
                .hasMessageContaining("[airbench-mini-acc, airbench96-time, exit-code, golf-mini-bpb, nanochat-core, "
                        + "parameter-golf-bpb]")
                .hasMessageContaining("set evaluator: to one of them");
    }

    @Test
    void givenTwoFactoriesWithOneName_thenTheRegistryRefusesThem() {
        EvaluatorFactory one = EvaluatorFactory.of("twin", (task, settings) -> new ExitCodeEvaluator(task));

        assertThatThrownBy(() -> new EvaluatorRegistry(List.of(one, one))).hasMessageContaining("'twin'");
    }

    @Test
    void givenNoThreads_thenTheSettingsAreRefused() {
        assertThatThrownBy(() -> new EvaluatorSettings(0)).hasMessageContaining("threads must be >= 1");
    }

    private static TaskDefinition task(Path dir, String evaluator) throws IOException {
        Path taskDir = Files.createDirectories(dir.resolve("noop"));
        Files.writeString(taskDir.resolve(TaskDefinition.FILE_NAME), """
                name: noop
                runtime: process
                command: ["true"]
                train_budget_seconds: 30
                eval_budget_seconds: 30
                evaluator: %s
                """.formatted(evaluator));
        return TaskDefinition.load(taskDir);
    }
}
