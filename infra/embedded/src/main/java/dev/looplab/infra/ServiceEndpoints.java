package dev.looplab.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the running services answer: what the platform, workers and agents are configured with.
 */
public record ServiceEndpoints(String jdbcUrl, String dbUser, String dbPassword, String kafkaBootstrap,
                               String s3Endpoint, String s3AccessKey, String s3SecretKey, String bucket) {

    /**
     * Returns these endpoints as Quarkus configuration, e.g. for a
     * {@code QuarkusTestResourceLifecycleManager}: datasource, Kafka bootstrap and the
     * {@code looplab.s3.*} keys.
     */
    public Map<String, String> asQuarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.db-kind", "postgresql");
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.username", dbUser);
        config.put("quarkus.datasource.password", dbPassword);
        config.put("kafka.bootstrap.servers", kafkaBootstrap);
        config.put("looplab.s3.endpoint", s3Endpoint);
        config.put("looplab.s3.access-key", s3AccessKey);
        config.put("looplab.s3.secret-key", s3SecretKey);
        config.put("looplab.s3.bucket", bucket);
        return config;
    }

    /** Returns these endpoints as the {@code LOOPLAB_*} variables {@link ServicesConfig} reads. */
    public Map<String, String> asEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LOOPLAB_DB_URL", jdbcUrl);
        env.put("LOOPLAB_DB_USER", dbUser);
        env.put("LOOPLAB_DB_PASSWORD", dbPassword);
        env.put("LOOPLAB_KAFKA_BOOTSTRAP", kafkaBootstrap);
        env.put("LOOPLAB_S3_ENDPOINT", s3Endpoint);
        env.put("LOOPLAB_S3_ACCESS_KEY", s3AccessKey);
        env.put("LOOPLAB_S3_SECRET_KEY", s3SecretKey);
        return env;
    }

    @Override
    public String toString() {
        // keep secrets out of logs
        return "ServiceEndpoints[jdbcUrl=" + jdbcUrl + ", dbUser=" + dbUser + ", kafkaBootstrap=" + kafkaBootstrap
                + ", s3Endpoint=" + s3Endpoint + ", s3AccessKey=" + s3AccessKey + ", bucket=" + bucket + "]";
    }
}
