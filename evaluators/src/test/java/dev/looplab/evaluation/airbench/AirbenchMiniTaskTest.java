package dev.looplab.evaluation.airbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.task.TaskDefinition;

class AirbenchMiniTaskTest {

    @Test
    void taskYamlDeclaresTheGateTheRunsAndTheEvaluator() {
        // given the built-in airbench-mini folder, when its task.yaml is loaded
        TaskDefinition task = TaskDefinition.load(AirbenchTraining.RECIPES.resolve("airbench-mini"));
        // then it is a gated DJL task judged by this evaluator over three runs
        assertThat(task.runtime()).isEqualTo(TaskDefinition.Runtime.djl);
        assertThat(task.evaluator()).isEqualTo(AirbenchMiniEvaluator.NAME);
        assertThat(task.gateAccuracy()).isBetween(0.8, 0.95);
        assertThat(task.runs()).isEqualTo(3);
        assertThat(task.evaluatorOwned()).contains("task.yaml");
    }

    @Test
    void everyKnobMarkedInTheRecipeBelongsToTheSurfaceTaskYamlGivesIt() throws IOException {
        // given the knob markers of Recipe.java
        TaskDefinition task = TaskDefinition.load(AirbenchTraining.RECIPES.resolve("airbench-mini"));
        String source = Files.readString(task.entryIn(task.taskDir()));
        Matcher m = Pattern.compile("static final \\w+ (\\w+) = [^;]+; // @knob surface=(\\w+)").matcher(source);
        Map<String, String> marked = new TreeMap<>();
        while (m.find()) {
            marked.put(m.group(1), m.group(2));
        }
        // when compared with task.yaml's surfaces
        Map<String, String> declared = new TreeMap<>();
        task.surfaces().forEach((surface, knobs) -> knobs.forEach(k -> declared.put(k, surface)));
        // then both agree knob by knob, and the knobs are all there
        assertThat(declared).isEqualTo(marked);
        assertThat(marked).containsKeys("WIDTH1", "WIDTH2", "DEPTH", "BATCH_NORM", "AUGMENT", "OPTIMIZER",
                "LR_SCHEDULE", "EPOCHS", "LABEL_SMOOTHING", "TTA_FLIP");
    }

    @Test
    void aGateOutsideZeroToOneOrFractionalRunsAreRefusedNamingTheKey(@TempDir Path dir) throws IOException {
        // given task.yaml files with a percentage for a gate and half a run
        String base = "name: t\nruntime: djl\nentry: R.java\ntrain_budget_seconds: 5\neval_budget_seconds: 5\nevaluator: e\n";
        Files.writeString(dir.resolve("task.yaml"), base + "gate_accuracy: 90\n");
        assertThatThrownBy(() -> TaskDefinition.load(dir))
                .isInstanceOf(TaskDefinition.InvalidTaskException.class)
                .hasMessageContaining("gate_accuracy must be a fraction in [0, 1] such as 0.90");
        Files.writeString(dir.resolve("task.yaml"), base + "runs: 2.5\n");
        assertThatThrownBy(() -> TaskDefinition.load(dir)).hasMessageContaining("runs must be a whole number");
        // and a task without them has no gate and one run
        Files.writeString(dir.resolve("task.yaml"), base);
        TaskDefinition plain = TaskDefinition.load(dir);
        assertThat(plain.gateAccuracy()).isZero();
        assertThat(plain.runs()).isEqualTo(1);
    }

    @Test
    void theEvaluatorRefusesATaskWithoutAGate(@TempDir Path dir) throws IOException {
        // given an airbench-mini task.yaml that forgot gate_accuracy
        Files.writeString(dir.resolve("task.yaml"), "name: airbench-mini\nruntime: djl\nentry: Recipe.java\n"
                + "train_budget_seconds: 5\neval_budget_seconds: 5\nevaluator: airbench-mini-acc\n");
        TaskDefinition task = TaskDefinition.load(dir);
        // when the evaluator is built, then the fix is named
        assertThatThrownBy(() -> new AirbenchMiniEvaluator(task))
                .hasMessageContaining("airbench-mini needs gate_accuracy");
    }
}
