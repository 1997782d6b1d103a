package dev.looplab.worker;

import dev.looplab.infra.LooplabServices;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts real Kafka and S3 for the worker under test and points its config at them. */
public class WorkerServicesResource implements QuarkusTestResourceLifecycleManager {
    private static LooplabServices services;

    /** The running services, for tests that publish runs or read the bucket themselves. */
    public static LooplabServices services() {
        return services;
    }

    @Override
    public Map<String, String> start() {
        services = LooplabServices.sharedForTests();
        Path home;
        try {
            home = Files.createTempDirectory("looplab-worker-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "looplab.kafka.bootstrap", services.kafkaBootstrap(),
                "looplab.s3.endpoint", services.s3Endpoint(),
                "looplab.s3.access-key", services.endpoints().s3AccessKey(),
                "looplab.s3.secret-key", services.endpoints().s3SecretKey(),
                "looplab.s3.bucket", services.endpoints().bucket(),
                "looplab.home", home.toString(),
                "looplab.recipes-dir", Path.of("..", "recipes").toAbsolutePath().normalize().toString(),
                "looplab.worker.id", "test-worker");
    }

    @Override
    public void stop() {
        if (services != null) {
            services.close();
            services = null;
        }
    }
}
