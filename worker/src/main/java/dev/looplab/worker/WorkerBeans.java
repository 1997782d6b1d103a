package dev.looplab.worker;

import dev.looplab.worker.config.WorkerConfig;
import dev.looplab.worker.run.CatalogTaskResolver;
import dev.looplab.worker.run.TaskResolver;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** CDI wiring of the worker's plain classes from {@link WorkerConfig}. */
@Singleton
public class WorkerBeans {

    @Produces
    @Singleton
    TaskResolver taskResolver(WorkerConfig config) {
        return new CatalogTaskResolver(config.recipesDir().toAbsolutePath(), config.worker().threads());
    }
}
