package dev.looplab.worker;

import dev.looplab.worker.config.WorkerConfig;
import dev.looplab.worker.run.CatalogTaskResolver;
import dev.looplab.worker.run.TaskResolver;
import dev.looplab.worker.sandbox.Bubblewrap;
import dev.looplab.worker.sandbox.RecipeRuntime;
import dev.looplab.worker.sandbox.SandboxLimits;
import dev.looplab.worker.sandbox.TrialSandbox;
import dev.looplab.worker.sandbox.Unconfined;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.util.List;

/** CDI wiring of the worker's plain classes from {@link WorkerConfig}. */
@Singleton
public class WorkerBeans {

    @Produces
    @Singleton
    TaskResolver taskResolver(WorkerConfig config) {
        return new CatalogTaskResolver(config.recipesDir().toAbsolutePath(), config.worker().threads());
    }

    @Produces
    @Singleton
    TrialSandbox trialSandbox(WorkerConfig config) {
        WorkerConfig.Worker worker = config.worker();
        SandboxLimits limits = new SandboxLimits(worker.memoryMib(), worker.processes(), worker.fileSizeMib());
        if (worker.sandbox() == WorkerConfig.SandboxMode.unsafe) {
            return new Unconfined(limits);
        }
        List<Path> devices = worker.devices().isPresent() ? RecipeRuntime.gpuDevices() : List.of();
        return new Bubblewrap(worker.bwrap(), limits,
                RecipeRuntime.readOnlyPaths(worker.sandboxPaths().orElse(List.of())), devices);
    }
}
