package dev.looplab.platform.proposal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.diff.UnifiedDiff;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.platform.trial.KnobChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The surface check on the real recipes: Java knob lines (golf-mini) and Python ones (the GPU tasks). */
class SurfaceGuardTest {
    static final Path RECIPES = Path.of("../../recipes").toAbsolutePath().normalize();

    @Test
    void aPythonKnobOnTheSurfaceIsAllowedAndItsChangeIsRead() throws IOException {
        // given parameter-golf's train_gpt.py and its task.yaml
        TaskDefinition task = TaskDefinition.load(RECIPES.resolve("parameter-golf"));
        String recipe = Files.readString(RECIPES.resolve("parameter-golf/train_gpt.py"));
        String edited = recipe.replace("MATRIX_LR = 0.04  #", "MATRIX_LR = 0.05  #");
        assertThat(edited).isNotEqualTo(recipe);
        String diff = UnifiedDiff.of("train_gpt.py", recipe, edited);

        // then the optimizer may make it, and the change is MATRIX_LR 0.04 -> 0.05
        assertThat(SurfaceGuard.check(task, "optimizer", diff)).isEmpty();
        assertThat(KnobChanges.of(diff)).isEqualTo(Map.of("MATRIX_LR", new KnobChange("0.04", "0.05")));
        // and the architecture specialist may not, naming the knob and its surface
        assertThat(SurfaceGuard.check(task, "architecture", diff)).hasValueSatisfying(reason ->
                assertThat(reason).contains("knob MATRIX_LR (surface optimizer) is not on surface architecture"));
    }

    @Test
    void everyKnobLineOfEveryPythonRecipeIsRecognisedOnItsOwnSurface() throws IOException {
        for (String[] recipe : new String[][] {{"parameter-golf", "train_gpt.py"}, {"nanochat-d12", "train.py"},
                {"airbench96", "train.py"}}) {
            TaskDefinition task = TaskDefinition.load(RECIPES.resolve(recipe[0]));
            String text = Files.readString(RECIPES.resolve(recipe[0]).resolve(recipe[1]));
            long knobs = text.lines().filter(l -> l.contains("# @knob")).count();
            assertThat(knobs).as(recipe[0]).isGreaterThan(10);
            text.lines().filter(l -> l.contains("# @knob")).forEach(line -> {
                KnobLine knob = KnobLine.parse(line).orElseThrow(() -> new AssertionError("not read: " + line));
                assertThat(task.surface(knob.surface())).as(recipe[0] + " " + line).contains(knob.name());
            });
        }
    }

    @Test
    void aPythonLineThatIsNotAKnobIsRefused() throws IOException {
        TaskDefinition task = TaskDefinition.load(RECIPES.resolve("airbench96"));
        String recipe = Files.readString(RECIPES.resolve("airbench96/train.py"));
        String edited = recipe.replaceFirst("import ", "import os  # @knob surface=opt\nimport ");

        assertThat(SurfaceGuard.check(task, "opt", UnifiedDiff.of("train.py", recipe, edited)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("is not a knob line"));
    }

    @Test
    void javaKnobLinesStillWorkAndAChangedTagIsCaught() throws IOException {
        TaskDefinition task = TaskDefinition.load(RECIPES.resolve("golf-mini"));
        String recipe = Files.readString(RECIPES.resolve("golf-mini/Recipe.java"));
        String lr = recipe.replace("static final float LR = 1e-2f;", "static final float LR = 1.4e-2f;");
        String retagged = recipe.replace("LR = 1e-2f; // @knob surface=optimizer", "LR = 1e-2f; // @knob surface=data");

        assertThat(SurfaceGuard.check(task, "optimizer", UnifiedDiff.of("Recipe.java", recipe, lr))).isEmpty();
        assertThat(KnobChanges.of(UnifiedDiff.of("Recipe.java", recipe, lr)))
                .containsExactly(Map.entry("LR", new KnobChange("1e-2f", "1.4e-2f")));
        assertThat(SurfaceGuard.check(task, "optimizer", UnifiedDiff.of("Recipe.java", recipe, retagged)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("knob LR (surface data)"));
    }
}
