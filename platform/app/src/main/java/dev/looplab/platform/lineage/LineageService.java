package dev.looplab.platform.lineage;

import dev.looplab.evaluation.task.UnknownTaskException;
import dev.looplab.lineage.LineageOptions;
import dev.looplab.lineage.LineageStore;
import dev.looplab.platform.config.LooplabConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Opens one lineage repository per task under {@code <home>/lineage/<task>.git} and keeps it open. */
@ApplicationScoped
public class LineageService {
    private final Map<String, LineageStore> stores = new ConcurrentHashMap<>();

    @Inject
    LooplabConfig config;
    @Inject
    TaskService tasks;

    /** The task's lineage; diffs touching the task's evaluator-owned paths are refused by the store. */
    public LineageStore store(String task) {
        return stores.computeIfAbsent(task, t -> LineageStore.open(repositoryPath(t), options(t)));
    }

    private LineageOptions options(String task) {
        try {
            return LineageOptions.defaults().withEvaluatorOwnedPaths(Set.copyOf(tasks.find(task).evaluatorOwned()));
        } catch (UnknownTaskException e) {
            // an imported history (looplab import) has no task.yaml and takes no proposals: nothing is owned there
            if (Files.isDirectory(repositoryPath(task))) {
                return LineageOptions.defaults();
            }
            throw e;
        }
    }

    /** The lineages opened so far, by task. */
    Map<String, LineageStore> openStores() {
        return Map.copyOf(stores);
    }

    public Path repositoryPath(String task) {
        return config.home().resolve("lineage").resolve(task + ".git").toAbsolutePath();
    }

    /** What a worker fetches the task's trial commits from. */
    public String fetchUrl(String task) {
        return config.lineageUrl()
                .map(base -> base.endsWith("/") ? base + task + ".git" : base + "/" + task + ".git")
                .orElseGet(() -> repositoryPath(task).toString());
    }

    @PreDestroy
    void close() {
        stores.values().forEach(LineageStore::close);
    }
}
