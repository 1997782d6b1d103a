package dev.looplab.worker.run;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.Evaluator.TrainingData;
import dev.looplab.worker.artifact.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepares each task's training data once per worker and reuses it while its SHA-256 still matches,
 * so a recipe that altered the shared file cannot hand its edit to the next trial.
 */
final class TrainingDataCache {
    private final Path dataRoot;
    private final Map<String, TrainingData> byTask = new HashMap<>();

    TrainingDataCache(Path dataRoot) {
        this.dataRoot = dataRoot;
    }

    synchronized TrainingData trainingData(Evaluator evaluator) throws IOException {
        TrainingData cached = byTask.get(evaluator.task());
        if (cached != null && intact(cached)) {
            return cached;
        }
        Path dir = dataRoot.resolve(evaluator.task());
        Files.createDirectories(dir);
        TrainingData fresh = evaluator.prepareTrainingData(dir);
        if (fresh == null || !Files.isRegularFile(fresh.path())) {
            throw new IllegalStateException("evaluator " + evaluator.name() + " prepared no training data file in " + dir);
        }
        byTask.put(evaluator.task(), fresh);
        return fresh;
    }

    private static boolean intact(TrainingData data) throws IOException {
        return Files.isRegularFile(data.path())
                && Files.size(data.path()) == data.bytes()
                && Sha256.of(data.path()).equals(data.sha256());
    }
}
