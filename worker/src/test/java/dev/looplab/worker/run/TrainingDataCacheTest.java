package dev.looplab.worker.run;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TrainingDataCacheTest {

    @Test
    void aPreparedFolderIsReusedUntilAFileInItChanges(@TempDir Path root) throws IOException {
        // given an evaluator whose training data is a folder of shards
        ShardEvaluator evaluator = new ShardEvaluator();
        TrainingDataCache cache = new TrainingDataCache(root);

        // when two trials ask for it, then it is prepared once
        Evaluator.TrainingData first = cache.trainingData(evaluator);
        assertThat(cache.trainingData(evaluator)).isEqualTo(first);
        assertThat(evaluator.prepared).isEqualTo(1);
        assertThat(first.path()).isDirectory();

        // when a trial (unconfined) appends to a shard, then the next one gets a freshly prepared folder
        Files.writeString(first.path().resolve("shard_0.bin"), "tampered");
        cache.trainingData(evaluator);
        assertThat(evaluator.prepared).isEqualTo(2);
        assertThat(first.path().resolve("shard_0.bin")).hasContent("tokens");
    }

    /** Prepares {@code train/shard_0.bin} and counts how often. */
    private static final class ShardEvaluator implements Evaluator {
        int prepared;

        @Override
        public TrainingData prepareTrainingData(Path dataDir) {
            prepared++;
            Path folder = dataDir.resolve("train");
            try {
                Files.createDirectories(folder);
                Files.writeString(folder.resolve("shard_0.bin"), "tokens");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new TrainingData(folder, "sha", 6);
        }

        @Override
        public String task() {
            return "shards";
        }

        @Override
        public String name() {
            return "shards";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public Direction direction() {
            return Direction.lower;
        }

        @Override
        public double keepThreshold() {
            return 0;
        }

        @Override
        public Measurement evaluate(EvaluationRequest request) {
            throw new UnsupportedOperationException();
        }
    }
}
