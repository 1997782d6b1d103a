package dev.looplab.evaluation.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.task.UnknownTaskException;

class TaskDefinitionTest {
    static final Path RECIPES = Path.of(System.getProperty("looplab.recipes.dir", "../recipes"));

    @Test
    void golfMiniTaskYamlDeclaresTheDjlRecipeAndItsBudgets() {
        // given the built-in golf-mini folder
        // when its task.yaml is loaded
        TaskDefinition task = TaskDefinition.load(RECIPES.resolve("golf-mini"));
        // then it names the DJL entry, budgets, cap and evaluator
        assertThat(task.name()).isEqualTo("golf-mini");
        assertThat(task.runtime()).isEqualTo(TaskDefinition.Runtime.djl);
        assertThat(task.entry()).isEqualTo("Recipe.java");
        assertThat(task.trainBudgetSeconds()).isBetween(60, 120);
        assertThat(task.artifactCapBytes()).isEqualTo(1_000_000L);
        assertThat(task.evaluator()).isEqualTo("golf-mini-bpb");
        assertThat(task.evaluatorOwned()).contains("task.yaml");
        assertThat(task.surface("loop")).contains("MEAN_LOOPS", "INJECTION");
    }

    @Test
    void everyKnobMarkedInTheRecipeBelongsToTheSurfaceTaskYamlGivesIt() throws IOException {
        // given the knob markers of Recipe.java
        TaskDefinition task = TaskDefinition.load(RECIPES.resolve("golf-mini"));
        String source = Files.readString(task.entryIn(task.taskDir()));
        Matcher m = Pattern.compile("static final \\w+ (\\w+) = [^;]+; // @knob surface=(\\w+)").matcher(source);
        Map<String, String> marked = new TreeMap<>();
        while (m.find()) {
            marked.put(m.group(1), m.group(2));
        }
        // when compared with task.yaml's surfaces
        Map<String, String> declared = new TreeMap<>();
        task.surfaces().forEach((surface, knobs) -> knobs.forEach(k -> declared.put(k, surface)));
        // then both agree knob by knob, and the brief's knobs are all there
        assertThat(declared).isEqualTo(marked);
        assertThat(marked).containsKeys("D_MODEL", "HEADS", "MLP_RATIO", "PRELUDE_LAYERS", "CORE_LAYERS",
                "CODA_LAYERS", "MEAN_LOOPS", "LOOP_SAMPLING", "BACKPROP_LOOPS", "INJECTION", "ACTIVATION", "LR",
                "WARMUP_STEPS", "WARMDOWN_FRAC", "BATCH", "SEQ_LEN", "WEIGHT_DECAY");
    }

    @Test
    void aBadKeyIsNamedWithTheKnownKeys(@TempDir Path dir) throws IOException {
        // given a task.yaml with a typo
        Files.writeString(dir.resolve("task.yaml"), "name: t\nruntime: djl\nentry: R.java\ntrain_budget_secs: 5\n");
        // when loaded, then the message names the key and lists the known ones
        assertThatThrownBy(() -> TaskDefinition.load(dir))
                .isInstanceOf(TaskDefinition.InvalidTaskException.class)
                .hasMessageContaining("unknown key 'train_budget_secs'")
                .hasMessageContaining("train_budget_seconds");
    }

    @Test
    void theCpuTasksCountTheirBudgetInCpuSecondsAndTheOthersOnTheClock() {
        // given the built-in tasks, when loaded, then golf-mini and airbench-mini budget CPU seconds
        assertThat(TaskDefinition.load(RECIPES.resolve("golf-mini")).budgetClock())
                .isEqualTo(TaskDefinition.BudgetClock.cpu);
        assertThat(TaskDefinition.load(RECIPES.resolve("airbench-mini")).budgetClock())
                .isEqualTo(TaskDefinition.BudgetClock.cpu);
        // and a GPU task keeps the wall clock, the default
        assertThat(TaskDefinition.load(RECIPES.resolve("parameter-golf")).budgetClock())
                .isEqualTo(TaskDefinition.BudgetClock.wall);
    }

    @Test
    void aMalformedBudgetClockIsNamedWithItsValues(@TempDir Path dir) throws IOException {
        // given a task.yaml whose budget clock is neither wall nor cpu
        Files.writeString(dir.resolve("task.yaml"), """
                name: t
                runtime: djl
                entry: R.java
                train_budget_seconds: 10
                eval_budget_seconds: 10
                evaluator: e
                budget_clock: cpu-seconds
                """);
        // when loaded, then the message names the key, the bad value and both allowed values
        assertThatThrownBy(() -> TaskDefinition.load(dir))
                .isInstanceOf(TaskDefinition.InvalidTaskException.class)
                .hasMessageContaining("budget_clock 'cpu-seconds'")
                .hasMessageContaining("must be wall")
                .hasMessageContaining("or cpu");
    }

    @Test
    void aProcessTaskNeedsACommand(@TempDir Path dir) throws IOException {
        // given a process task without a command
        Files.writeString(dir.resolve("task.yaml"), """
                name: p
                runtime: process
                train_budget_seconds: 10
                eval_budget_seconds: 10
                evaluator: e
                """);
        // when loaded, then the fix is named
        assertThatThrownBy(() -> TaskDefinition.load(dir))
                .hasMessageContaining("a process task needs command");
    }

    @Test
    void theCatalogFindsTasksByNameAndNamesTheKnownOnesOtherwise(@TempDir Path recipes) throws IOException {
        // given a recipes folder with two tasks
        for (String name : List.of("alpha", "beta")) {
            Path dir = Files.createDirectories(recipes.resolve(name));
            Files.writeString(dir.resolve("task.yaml"), """
                    name: %s
                    runtime: process
                    command: [python3, train.py]
                    train_budget_seconds: 10
                    eval_budget_seconds: 10
                    evaluator: e
                    surfaces:
                      data: [train.py]
                    """.formatted(name));
        }
        Files.createDirectories(recipes.resolve("no-task-here"));
        // when scanned
        TaskCatalog catalog = TaskCatalog.scan(recipes);
        // then both are found and an unknown name lists them
        assertThat(catalog.names()).containsExactly("alpha", "beta");
        assertThat(catalog.find("beta").command()).containsExactly("python3", "train.py");
        assertThatThrownBy(() -> catalog.find("gamma"))
                .isInstanceOf(UnknownTaskException.class)
                .hasMessageContaining("unknown task 'gamma'")
                .hasMessageContaining("[alpha, beta]");
    }

    @Test
    void theBuiltInRecipesFolderHoldsGolfMini() {
        // given the checkout's recipes folder, when scanned, then golf-mini is one of its tasks
        assertThat(TaskCatalog.scan(RECIPES).names()).contains("golf-mini");
    }
}
