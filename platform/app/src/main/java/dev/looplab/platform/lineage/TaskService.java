package dev.looplab.platform.lineage;

import dev.looplab.evaluation.task.TaskCatalog;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.platform.config.LooplabConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;

/** The built-in tasks the platform knows, read from {@code recipes/<task>/task.yaml}. */
@ApplicationScoped
public class TaskService {
    @Inject
    LooplabConfig config;

    private volatile TaskCatalog catalog;

    /** @throws dev.looplab.evaluation.task.UnknownTaskException naming the known tasks */
    public TaskDefinition find(String task) {
        return catalog().find(task);
    }

    /** Every task of the recipes folder, by name. */
    public java.util.List<TaskDefinition> all() {
        return catalog().all();
    }

    public Path recipeDir(String task) {
        return config.recipesDir().resolve(task).toAbsolutePath();
    }

    private TaskCatalog catalog() {
        if (catalog == null) {
            catalog = TaskCatalog.scan(config.recipesDir());
        }
        return catalog;
    }
}
