package dev.looplab.worker.config;

import dev.looplab.access.KafkaCredentials;
import dev.looplab.access.ServiceAccess;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where this worker's Kafka and S3 are and how it logs in, settled once at start: each setting the worker is given
 * wins; what is left unset comes from the platform ({@code GET /api/join/worker}, asked only then), or, with no
 * platform URL, from the defaults of a one-machine stack. {@link #toString()} shows no secret.
 */
public record WorkerServices(String kafkaBootstrap, KafkaCredentials kafkaLogin, String s3Endpoint,
                             String s3AccessKey, String s3SecretKey, String s3Bucket, String s3Region, String source) {

    static final String LOCAL_KAFKA = "localhost:9092";
    static final String LOCAL_S3 = "http://localhost:9000";
    static final String LOCAL_S3_ACCESS_KEY = "looplab";
    static final String LOCAL_S3_SECRET_KEY = "looplab-secret";
    static final String DEFAULT_BUCKET = "looplab-artifacts";
    static final String DEFAULT_REGION = "us-east-1";

    /**
     * Settles the services from {@code config}, calling {@code platform} (at most once) when a Kafka or S3 setting
     * is unset and the worker has a platform URL.
     */
    public static WorkerServices resolve(WorkerConfig config, Supplier<ServiceAccess> platform) {
        WorkerConfig.Kafka kafka = config.kafka();
        WorkerConfig.S3 s3 = config.s3();
        Optional<String> bootstrap = given(kafka.bootstrap());
        Optional<String> endpoint = given(s3.endpoint());
        Optional<String> accessKey = given(s3.accessKey());
        boolean complete = bootstrap.isPresent() && endpoint.isPresent() && accessKey.isPresent();
        boolean hasPlatform = given(config.platform().url()).isPresent();
        KafkaCredentials ownLogin = new KafkaCredentials(kafka.securityProtocol().orElse(null),
                kafka.saslMechanism().orElse(null), kafka.username().orElse(null), kafka.password().orElse(null));
        if (complete || !hasPlatform) {
            return new WorkerServices(bootstrap.orElse(LOCAL_KAFKA), ownLogin, endpoint.orElse(LOCAL_S3),
                    accessKey.orElse(LOCAL_S3_ACCESS_KEY),
                    accessKey.isPresent() ? s3.secretKey().orElse("") : LOCAL_S3_SECRET_KEY,
                    given(s3.bucket()).orElse(DEFAULT_BUCKET), given(s3.region()).orElse(DEFAULT_REGION),
                    complete ? "its own settings" : "the local defaults (no looplab.platform.url)");
        }
        ServiceAccess access = platform.get();
        ServiceAccess.S3 store = access.s3();
        if (store == null && (endpoint.isEmpty() || accessKey.isEmpty())) {
            throw new IllegalStateException("the platform at " + config.platform().url().get() + " gave no S3"
                    + " settings: give the worker LOOPLAB_S3_ENDPOINT, LOOPLAB_S3_ACCESS_KEY and"
                    + " LOOPLAB_S3_SECRET_KEY");
        }
        // a worker with its own Kafka address or user logs in as it is told; otherwise as the platform says
        boolean ownKafka = bootstrap.isPresent() || given(kafka.username()).isPresent()
                || given(kafka.securityProtocol()).isPresent();
        return new WorkerServices(bootstrap.orElse(access.kafka().bootstrap()),
                ownKafka ? ownLogin : access.kafka().credentials(),
                endpoint.orElseGet(() -> store.endpoint()),
                accessKey.orElseGet(() -> store.accessKey()),
                accessKey.isPresent() ? s3.secretKey().orElse("") : store.secretKey(),
                given(s3.bucket()).or(() -> Optional.ofNullable(store == null ? null : store.bucket()))
                        .orElse(DEFAULT_BUCKET),
                given(s3.region()).or(() -> Optional.ofNullable(store == null ? null : store.region()))
                        .orElse(DEFAULT_REGION),
                "the platform at " + config.platform().url().get());
    }

    private static Optional<String> given(Optional<String> value) {
        return value.filter(v -> !v.isBlank()).map(String::strip);
    }

    @Override
    public String toString() {
        return "WorkerServices[Kafka " + kafkaBootstrap + " " + kafkaLogin + ", S3 " + s3Endpoint + " bucket "
                + s3Bucket + " as " + s3AccessKey + ", from " + source + "]";
    }
}
