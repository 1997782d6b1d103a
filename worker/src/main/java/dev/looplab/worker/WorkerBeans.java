package dev.looplab.worker;

import dev.looplab.evaluation.registry.EvaluatorSettings;
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
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

/** CDI wiring of the worker's plain classes from {@link WorkerConfig}. */
@Singleton
public class WorkerBeans {
    private static final Logger LOG = Logger.getLogger(WorkerBeans.class);

    @Produces
    @Singleton
    TaskResolver taskResolver(WorkerConfig config) {
        WorkerConfig.Worker worker = config.worker();
        return new CatalogTaskResolver(config.recipesDir().toAbsolutePath(), new EvaluatorSettings(worker.threads(),
                worker.python(), config.home().toAbsolutePath().resolve("evaluators"), worker.devices().orElse(null),
                config.tasks().asMap()));
    }

    @Produces
    @Singleton
    TrialSandbox trialSandbox(WorkerConfig config) {
        WorkerConfig.Worker worker = config.worker();
        SandboxLimits limits = new SandboxLimits(worker.memoryMib(), worker.processes(), worker.fileSizeMib());
        if (worker.sandbox() == WorkerConfig.SandboxMode.unsafe) {
            return new Unconfined(limits);
        }
        List<Path> devices = List.of();
        if (worker.devices().filter(d -> !d.isBlank()).isPresent()) {
            devices = RecipeRuntime.gpuDevices();
            if (devices.isEmpty()) {
                LOG.warnf("looplab.worker.devices=%s, but /dev has no nvidia* nodes: trials will see no GPU (is the "
                        + "NVIDIA driver loaded?)", worker.devices().get());
            }
        }
        List<Path> extra = new ArrayList<>(worker.sandboxPaths().orElse(List.of()));
        extra.addAll(RecipeRuntime.interpreterPaths(worker.python()));
        return new Bubblewrap(worker.bwrap(), limits, RecipeRuntime.readOnlyPaths(extra), devices);
    }
}
