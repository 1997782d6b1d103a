package dev.looplab.worker.run;

import dev.looplab.evaluation.registry.EvaluatorRegistry;
import dev.looplab.evaluation.registry.EvaluatorSettings;
import dev.looplab.evaluation.task.TaskCatalog;
import dev.looplab.evaluation.task.TaskDefinition;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves tasks from {@code <recipes-dir>/<task>/task.yaml} and builds each task's evaluator once,
 * so held-out data an evaluator loads is read once per worker.
 */
public final class CatalogTaskResolver implements TaskResolver {
    private final EvaluatorRegistry evaluators = EvaluatorRegistry.builtIn();
    private final Path recipesDir;
    private final EvaluatorSettings evaluatorSettings;
    private TaskCatalog catalog;
    private final Map<String, TaskSetup> resolved = new HashMap<>();

    public CatalogTaskResolver(Path recipesDir, int evaluatorThreads) {
        this(recipesDir, new EvaluatorSettings(evaluatorThreads));
    }

    /** A resolver whose evaluators get {@code evaluatorSettings}: threads, python, the tasks' data, GPUs. */
    public CatalogTaskResolver(Path recipesDir, EvaluatorSettings evaluatorSettings) {
        this.recipesDir = recipesDir;
        this.evaluatorSettings = evaluatorSettings;
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
                definition.command(), definition.trainBudgetSeconds(), evaluators.create(definition, evaluatorSettings),
                definition.budgetClock());
        resolved.put(task, setup);
        return setup;
    }
}
