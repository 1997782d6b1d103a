package dev.looplab.worker.config;

import dev.looplab.access.ServiceAccess;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Kafka and S3 a worker uses: its own settings win, the platform fills the rest, asked only when needed. */
class WorkerServicesTest {
    private static final ServiceAccess PLATFORM = new ServiceAccess("worker",
            new ServiceAccess.Kafka("kafka-1:9092", "SASL_SSL", "SCRAM-SHA-512", "looplab-worker", "kafka-pw"),
            new ServiceAccess.S3("http://minio:9000", "eu-west-1", "team-artifacts", "worker-ak", "s3-secret"),
            "http://platform:8080/git");

    private final AtomicInteger asked = new AtomicInteger();
    private final Supplier<ServiceAccess> platform = () -> {
        asked.incrementAndGet();
        return PLATFORM;
    };

    @Test
    void givenOnlyThePlatformUrl_thenEverythingComesFromThePlatform_askedOnce_andNoSecretIsShown() {
        WorkerServices services = WorkerServices.resolve(config(Map.of("looplab.platform.url", "http://platform:8080")),
                platform);

        assertThat(asked).hasValue(1);
        assertThat(services.kafkaBootstrap()).isEqualTo("kafka-1:9092");
        assertThat(services.kafkaLogin().clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(services.s3Endpoint()).isEqualTo("http://minio:9000");
        assertThat(services.s3AccessKey()).isEqualTo("worker-ak");
        assertThat(services.s3SecretKey()).isEqualTo("s3-secret");
        assertThat(services.s3Bucket()).isEqualTo("team-artifacts");
        assertThat(services.s3Region()).isEqualTo("eu-west-1");
        assertThat(services.source()).isEqualTo("the platform at http://platform:8080");
        assertThat(services.toString()).doesNotContain("kafka-pw").doesNotContain("s3-secret");
    }

    @Test
    void givenItsOwnKafkaAndS3_thenThePlatformIsNotAsked() {
        WorkerServices services = WorkerServices.resolve(config(Map.of("looplab.platform.url", "http://platform:8080",
                "looplab.kafka.bootstrap", "localhost:19092", "looplab.s3.endpoint", "http://localhost:19000",
                "looplab.s3.access-key", "own-ak", "looplab.s3.secret-key", "own-secret")), platform);

        assertThat(asked).hasValue(0);
        assertThat(services.kafkaBootstrap()).isEqualTo("localhost:19092");
        assertThat(services.kafkaLogin().clientConfig()).isEmpty();
        assertThat(services.s3AccessKey()).isEqualTo("own-ak");
        assertThat(services.s3SecretKey()).isEqualTo("own-secret");
        assertThat(services.s3Bucket()).isEqualTo("looplab-artifacts");
    }

    @Test
    void givenItsOwnKafkaOnly_thenItLogsInAsItIsTold_andS3ComesFromThePlatform() {
        WorkerServices services = WorkerServices.resolve(config(Map.of("looplab.platform.url", "http://platform:8080",
                "looplab.kafka.bootstrap", "localhost:19092", "looplab.s3.bucket", "mine")), platform);

        assertThat(asked).hasValue(1);
        assertThat(services.kafkaBootstrap()).isEqualTo("localhost:19092");
        assertThat(services.kafkaLogin().clientConfig()).as("its own, plain, login").isEmpty();
        assertThat(services.s3Endpoint()).isEqualTo("http://minio:9000");
        assertThat(services.s3Bucket()).as("its own bucket wins").isEqualTo("mine");
    }

    @Test
    void givenNoPlatformUrlAndNothingElse_thenTheOneMachineDefaults() {
        WorkerServices services = WorkerServices.resolve(config(Map.of()), platform);

        assertThat(asked).hasValue(0);
        assertThat(services.kafkaBootstrap()).isEqualTo("localhost:9092");
        assertThat(services.s3Endpoint()).isEqualTo("http://localhost:9000");
        assertThat(services.s3AccessKey()).isEqualTo("looplab");
        assertThat(services.s3Bucket()).isEqualTo("looplab-artifacts");
    }

    private static WorkerConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("looplab.home", "/tmp/looplab-worker-services-test");
        all.put("looplab.recipes-dir", "recipes");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(WorkerConfig.class)
                .withConverter(Path.class, 100, value -> Path.of(value))
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 100))
                .build();
        return config.getConfigMapping(WorkerConfig.class);
    }
}
