package dev.looplab.worker.run;

import dev.looplab.evaluation.DataFolder;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.Evaluator.TrainingData;
import dev.looplab.worker.artifact.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepares each task's training data once per worker and reuses it while it is intact, so a recipe that altered
 * the shared data cannot hand its edit to the next trial: a file while its SHA-256 still matches, a folder (the
 * Python tasks' shards) while no file in it was added, removed, resized or rewritten since it was prepared.
 */
final class TrainingDataCache {
    private final Path dataRoot;
    private final Map<String, Prepared> byTask = new HashMap<>();

    TrainingDataCache(Path dataRoot) {
        this.dataRoot = dataRoot;
    }

    synchronized TrainingData trainingData(Evaluator evaluator) throws IOException {
        Prepared cached = byTask.get(evaluator.task());
        if (cached != null && cached.intact()) {
            return cached.data();
        }
        Path dir = dataRoot.resolve(evaluator.task());
        Files.createDirectories(dir);
        TrainingData fresh = evaluator.prepareTrainingData(dir);
        if (fresh == null || !Files.exists(fresh.path())) {
            throw new IllegalStateException("evaluator " + evaluator.name() + " prepared no training data in " + dir);
        }
        byTask.put(evaluator.task(), new Prepared(fresh,
                Files.isDirectory(fresh.path()) ? DataFolder.listing(fresh.path()) : null));
        return fresh;
    }

    /** Training data and, for a folder, its listing right after it was prepared. */
    private record Prepared(TrainingData data, String listing) {
        boolean intact() throws IOException {
            Path path = data.path();
            if (listing != null) {
                return Files.isDirectory(path) && listing.equals(DataFolder.listing(path));
            }
            return Files.isRegularFile(path) && Files.size(path) == data.bytes() && Sha256.of(path).equals(data.sha256());
        }
    }
}
