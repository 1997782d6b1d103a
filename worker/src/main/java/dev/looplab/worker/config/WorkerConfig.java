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

    Platform platform();

    interface Kafka {
        String bootstrap();

        /** A dead worker's runs move to another after this long without its Kafka heartbeats. */
        @WithDefault("10000")
        int sessionTimeoutMs();
    }

    /** The platform the worker claims attempts from; without a URL the worker runs every request it reads. */
    interface Platform {
        /** {@code looplab.platform.url} (LOOPLAB_PLATFORM_URL), e.g. http://localhost:8080. */
        Optional<String> url();
    }

    interface S3 {
        String endpoint();

        String accessKey();

        String secretKey();

        @WithDefault("looplab-artifacts")
        String bucket();

        @WithDefault("us-east-1")
        String region();
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

        /** Lease heartbeat interval when the platform does not say one (no platform URL). */
        @WithDefault("10")
        int heartbeatSeconds();
    }
}
