package dev.looplab.infra;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Which services Looplab uses: each one external when its endpoint is set, embedded otherwise.
 *
 * @param home directory holding the embedded services' data ({@code null}: temp dirs, deleted on close)
 * @param dbUrl JDBC URL of an external PostgreSQL, or {@code null} for the embedded one
 * @param dbUser user for {@code dbUrl}
 * @param dbPassword password for {@code dbUrl}
 * @param kafkaBootstrap bootstrap servers of an external Kafka, or {@code null} for the embedded broker
 * @param s3Endpoint endpoint of an external S3 server, or {@code null} for the embedded one
 * @param s3AccessKey access key of the S3 server (external or embedded)
 * @param s3SecretKey secret key of the S3 server (external or embedded)
 * @param durable whether the embedded PostgreSQL syncs its commits to disk
 * @param createTopics whether to create the Looplab topics on start
 */
public record ServicesConfig(Path home, String dbUrl, String dbUser, String dbPassword, String kafkaBootstrap,
                             String s3Endpoint, String s3AccessKey, String s3SecretKey, boolean durable,
                             boolean createTopics) {

    public ServicesConfig {
        dbUrl = blankToNull(dbUrl);
        kafkaBootstrap = blankToNull(kafkaBootstrap);
        s3Endpoint = blankToNull(s3Endpoint);
        if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("LOOPLAB_DB_URL must be a PostgreSQL JDBC URL like "
                    + "jdbc:postgresql://host:5432/looplab, got: " + dbUrl);
        }
        if (s3Endpoint != null && !(s3Endpoint.startsWith("http://") || s3Endpoint.startsWith("https://"))) {
            throw new IllegalArgumentException("LOOPLAB_S3_ENDPOINT must be an http(s) URL like "
                    + "http://minio:9000, got: " + s3Endpoint);
        }
        if (s3Endpoint != null && (blankToNull(s3AccessKey) == null || blankToNull(s3SecretKey) == null)) {
            throw new IllegalArgumentException("LOOPLAB_S3_ENDPOINT is set to " + s3Endpoint
                    + " but LOOPLAB_S3_ACCESS_KEY or LOOPLAB_S3_SECRET_KEY is missing: set both");
        }
        if (blankToNull(s3AccessKey) == null) {
            s3AccessKey = EmbeddedS3.DEFAULT_ACCESS_KEY;
        }
        if (blankToNull(s3SecretKey) == null) {
            s3SecretKey = EmbeddedS3.DEFAULT_SECRET_KEY;
        }
    }

    /**
     * Reads {@code LOOPLAB_HOME} (default {@code ~/.looplab}), {@code LOOPLAB_DB_URL},
     * {@code LOOPLAB_DB_USER}, {@code LOOPLAB_DB_PASSWORD}, {@code LOOPLAB_KAFKA_BOOTSTRAP},
     * {@code LOOPLAB_S3_ENDPOINT}, {@code LOOPLAB_S3_ACCESS_KEY}, {@code LOOPLAB_S3_SECRET_KEY} from
     * system properties first, then the environment; embedded services are durable.
     */
    public static ServicesConfig fromEnvironment() {
        return from(name -> {
            String value = System.getProperty(name);
            return value != null ? value : System.getenv(name);
        });
    }

    /** Like {@link #fromEnvironment()} over the given variables, for tests and launchers. */
    public static ServicesConfig from(Map<String, String> variables) {
        return from(variables::get);
    }

    private static ServicesConfig from(Function<String, String> lookup) {
        String home = blankToNull(lookup.apply("LOOPLAB_HOME"));
        Path homeDir = home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".looplab");
        return new ServicesConfig(homeDir.toAbsolutePath(), lookup.apply("LOOPLAB_DB_URL"),
                orDefault(lookup.apply("LOOPLAB_DB_USER"), "postgres"),
                orDefault(lookup.apply("LOOPLAB_DB_PASSWORD"), ""),
                lookup.apply("LOOPLAB_KAFKA_BOOTSTRAP"), lookup.apply("LOOPLAB_S3_ENDPOINT"),
                lookup.apply("LOOPLAB_S3_ACCESS_KEY"), lookup.apply("LOOPLAB_S3_SECRET_KEY"), true, true);
    }

    /** Everything embedded in temp dirs on free ports, non-durable, topics created. */
    public static ServicesConfig forTests() {
        return new ServicesConfig(null, null, null, null, null, null, null, null, false, true);
    }

    /** Returns a copy that does (or does not) create the Looplab topics on start. */
    public ServicesConfig withTopics(boolean create) {
        return new ServicesConfig(home, dbUrl, dbUser, dbPassword, kafkaBootstrap, s3Endpoint, s3AccessKey,
                s3SecretKey, durable, create);
    }

    /** Returns {@code home/<service>}, or {@code null} (temp dir) when there is no home. */
    Path serviceDir(String service) {
        return home == null ? null : home.resolve(service);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
