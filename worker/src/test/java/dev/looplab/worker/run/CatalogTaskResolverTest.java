package dev.looplab.worker.run;

import dev.looplab.evaluation.noop.ExitCodeEvaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTaskResolverTest {

    @Test
    void givenAProcessTaskJudgedByExitCode_thenItsSetupCarriesTheExitCodeEvaluator(@TempDir Path recipes)
            throws IOException {
        task(recipes, "noop", "exit-code");

        TaskSetup setup = new CatalogTaskResolver(recipes, 1).resolve("noop");

        assertThat(setup.evaluator()).isInstanceOf(ExitCodeEvaluator.class);
        assertThat(setup.evaluator().task()).isEqualTo("noop");
        assertThat(setup.command()).isEqualTo(List.of("true"));
    }

    @Test
    void givenAnUnknownEvaluator_thenTheErrorNamesTheFileAndTheKnownEvaluators(@TempDir Path recipes)
            throws IOException {
        task(recipes, "noop", "judge-by-vibes");

        assertThatThrownBy(() -> new CatalogTaskResolver(recipes, 1).resolve("noop"))
                .hasMessageContaining("task.yaml").hasMessageContaining("judge-by-vibes")
                .hasMessageContaining("exit-code");
    }

    private static void task(Path recipes, String name, String evaluator) throws IOException {
        Path dir = Files.createDirectories(recipes.resolve(name));
        Files.writeString(dir.resolve("task.yaml"), """
                name: %s
                runtime: process
                command: ["true"]
                train_budget_seconds: 30
                eval_budget_seconds: 30
                evaluator: %s
                keep_threshold: 0.0
                """.formatted(name, evaluator));
    }
}
