package dev.looplab.evaluation.airbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.trial.Measurement;
import dev.looplab.evaluation.task.TaskDefinition;

/**
 * Measures the baseline for the gate's calibration (minutes, so off by default): {@code ./mvnw -o -q -pl evaluators
 * test -Dtest=AirbenchMiniBaselineMeasurement -Dsurefire.failIfNoSpecifiedTests=false -Dlooplab.measure=1,2,3}
 * trains the task's runs once per listed seed and prints accuracy per run and seconds per run.
 */
@EnabledIfSystemProperty(named = "looplab.measure", matches = "[0-9,]+")
class AirbenchMiniBaselineMeasurement {

    @Test
    void baselineAccuracyAndSecondsPerSeed(@TempDir Path work) throws Exception {
        // given the task and its data
        TaskDefinition task = TaskDefinition.load(AirbenchTraining.RECIPES.resolve(AirbenchMiniEvaluator.TASK));
        FashionMnist data = FashionMnist.fromDebianDataset();
        AirbenchMiniEvaluator evaluator = new AirbenchMiniEvaluator(task, () -> data, 1);
        Path train = evaluator.prepareTrainingData(work.resolve("data")).path();
        Path recipe = AirbenchTraining.copyRecipe(work.resolve("recipe"));
        for (String seed : System.getProperty("looplab.measure").split(",")) {
            // when the baseline trains the task's runs from that seed and is evaluated
            EvaluationRequest request = AirbenchTraining.train(recipe, train, work.resolve("seed-" + seed),
                    task.trainBudgetSeconds(), Long.parseLong(seed), task.runs());
            Measurement m = evaluator.evaluate(request);
            System.out.printf(Locale.ROOT, "seed %s: %s; %s; train %.1f s eval %.1f s%n", seed, m.status(),
                    m.feedback(), m.trainSeconds(), m.evalSeconds());
            // then it was measured
            assertThat(m.metrics()).as(m.feedback()).containsKey("accuracy_mean");
        }
    }
}
