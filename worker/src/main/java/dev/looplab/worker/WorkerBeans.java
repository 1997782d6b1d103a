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
import java.util.Optional;

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
        return trialSandbox(worker.sandbox(), worker.bwrap(),
                new SandboxLimits(worker.memoryMib(), worker.processes(), worker.fileSizeMib()), worker.devices(),
                worker.sandboxPaths().orElse(List.of()), worker.python());
    }

    /**
     * The sandbox of {@code looplab.worker.sandbox}: bubblewrap with the python's folders and, for a GPU worker, the
     * NVIDIA device nodes; or unconfined. A worker and a replay from a clone confine trials alike.
     */
    public static TrialSandbox trialSandbox(WorkerConfig.SandboxMode mode, Path bwrap, SandboxLimits limits,
                                            Optional<String> devices, List<Path> sandboxPaths, Path python) {
        if (mode == WorkerConfig.SandboxMode.unsafe) {
            return new Unconfined(limits);
        }
        List<Path> nodes = List.of();
        if (devices.filter(d -> !d.isBlank()).isPresent()) {
            nodes = RecipeRuntime.gpuDevices();
            if (nodes.isEmpty()) {
                LOG.warnf("looplab.worker.devices=%s, but /dev has no nvidia* nodes: trials will see no GPU (is the "
                        + "NVIDIA driver loaded?)", devices.get());
            }
        }
        List<Path> extra = new ArrayList<>(sandboxPaths);
        extra.addAll(RecipeRuntime.interpreterPaths(python));
        return new Bubblewrap(bwrap, limits, RecipeRuntime.readOnlyPaths(extra), nodes);
    }
}
