package dev.looplab.worker.run;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.airbench.AirbenchMiniEvaluator;
import dev.looplab.evaluation.airbench.FashionMnist;
import dev.looplab.evaluation.golf.GolfMiniData;
import dev.looplab.evaluation.golf.GolfMiniEvaluator;
import dev.looplab.evaluation.noop.ExitCodeEvaluator;
import dev.looplab.evaluation.task.TaskCatalog;
import dev.looplab.evaluation.task.TaskDefinition;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves tasks from {@code <recipes-dir>/<task>/task.yaml} and builds each task's evaluator once,
 * so held-out data an evaluator loads is read once per worker.
 */
public final class CatalogTaskResolver implements TaskResolver {
    private static final List<String> KNOWN_EVALUATORS = List.of(GolfMiniEvaluator.NAME, AirbenchMiniEvaluator.NAME,
            ExitCodeEvaluator.NAME);

    private final Path recipesDir;
    private final int evaluatorThreads;
    private TaskCatalog catalog;
    private final Map<String, TaskSetup> resolved = new HashMap<>();

    public CatalogTaskResolver(Path recipesDir, int evaluatorThreads) {
        this.recipesDir = recipesDir;
        this.evaluatorThreads = evaluatorThreads;
    }

    @Override
    public synchronized TaskSetup resolve(String task) {
        TaskSetup known = resolved.get(task);
        if (known != null) {
            return known;
        }
        if (catalog == null || !catalog.names().contains(task)) {
            // tasks may be added while the worker runs: rescan before calling one unknown
            catalog = TaskCatalog.scan(recipesDir);
        }
        TaskDefinition definition = catalog.find(task);
        TaskSetup setup = new TaskSetup(definition.name(), definition.runtime().name(), definition.entry(),
                definition.command(), definition.trainBudgetSeconds(), evaluatorOf(definition));
        resolved.put(task, setup);
        return setup;
    }

    private Evaluator evaluatorOf(TaskDefinition task) {
        if (GolfMiniEvaluator.NAME.equals(task.evaluator())) {
            return new GolfMiniEvaluator(task, GolfMiniData::fromDebianFortunes, evaluatorThreads);
        }
        if (AirbenchMiniEvaluator.NAME.equals(task.evaluator())) {
            return new AirbenchMiniEvaluator(task, FashionMnist::fromDebianDataset, evaluatorThreads);
        }
        if (ExitCodeEvaluator.NAME.equals(task.evaluator())) {
            return new ExitCodeEvaluator(task);
        }
        throw new IllegalStateException(task.taskDir().resolve(TaskDefinition.FILE_NAME) + " names evaluator '"
                + task.evaluator() + "', which this worker does not have; known evaluators are " + KNOWN_EVALUATORS);
    }
}
