package dev.looplab.evaluation.golf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.evaluation.task.TaskDefinition;

/**
 * Measures the baseline for the docs (minutes, so off by default): {@code ./mvnw -f evaluators/pom.xml test
 * -Dtest=GolfMiniBaselineMeasurement -Dlooplab.measure=60,120}.
 */
@EnabledIfSystemProperty(named = "looplab.measure", matches = "[0-9,]+")
class GolfMiniBaselineMeasurement {

    @Test
    void baselineBitsPerByteAfterEachBudget(@TempDir Path work) throws Exception {
        // given the task, its data and the reference models
        TaskDefinition task = TaskDefinition.load(Path.of(System.getProperty("looplab.recipes.dir", "../recipes"))
                .resolve("golf-mini"));
        GolfMiniData data = GolfMiniData.fromDebianFortunes();
        GolfMiniEvaluator evaluator = new GolfMiniEvaluator(task, () -> data, 1);
        Path train = evaluator.prepareTrainingData(work.resolve("data")).path();
        System.out.printf(Locale.ROOT, "reference: unigram %.4f bpb, bigram %.4f bpb%n",
                ByteNgramBaseline.unigramBpb(data.train(), data.heldOut()), evaluator.bigramBpb());
        for (String budget : System.getProperty("looplab.measure").split(",")) {
            // when the baseline trains for that budget and is evaluated
            Path recipe = RecipeTraining.copyRecipe(work.resolve("recipe-" + budget), null, null);
            EvaluationRequest request = RecipeTraining.train(recipe, train, work.resolve("run-" + budget),
                    Double.parseDouble(budget), 1, 0);
            Measurement m = evaluator.evaluate(request);
            System.out.printf(Locale.ROOT, "budget %s s: %s %s train %.1f s eval %.1f s%n", budget, m.status(),
                    m.feedback(), m.trainSeconds(), m.evalSeconds());
            // then it is scored
            assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        }
    }
}
