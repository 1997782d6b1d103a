package dev.looplab.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The worker's settings under {@code looplab.*}; each also reads from the environment
 * ({@code LOOPLAB_KAFKA_BOOTSTRAP}, {@code LOOPLAB_S3_ENDPOINT}, {@code LOOPLAB_HOME}, ...).
 */
@ConfigMapping(prefix = "looplab")
public interface WorkerConfig {

    Kafka kafka();

    S3 s3();

    /** Root of the worker's files: work dirs under {@code work/<trialId>-<attempt>}, data under {@code data/<task>}. */
    Path home();

    /** Where {@code <task>/task.yaml} lives, to know each task's runtime and budgets. */
    Path recipesDir();

    Worker worker();

    interface Kafka {
        String bootstrap();
    }

    interface S3 {
        String endpoint();

        String accessKey();

        String secretKey();

        @WithDefault("looplab-artifacts")
        String bucket();

        @WithDefault("us-east-1")
        String region();

        /** Files larger than this go up as multipart uploads in parts of this size (S3 allows 5 to 5120). */
        @WithDefault("16")
        int partSizeMib();
    }

    interface Worker {
        /** Defaults to {@code <hostname>-<pid>}. */
        Optional<String> id();

        /** Threads a recipe may use (LOOPLAB_THREADS). */
        @WithDefault("2")
        int threads();

        /** Keep a trial's work dir after it is reported (for debugging); off by default so disks do not fill. */
        @WithDefault("false")
        boolean keepWorkDirs();

        /** Floor of the grace period after the training budget before the process tree is killed. */
        @WithDefault("10")
        int minGraceSeconds();
    }
}
