package dev.looplab.platform.security;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The platform with tokens on and no anonymous viewer: what it is when it listens beyond loopback. */
public class AuthOnProfile implements QuarkusTestProfile {
    /** Registered at start as token {@code seed-admin}: the test's way in to create the other tokens. */
    public static final String ADMIN_SECRET = "llt_test-admin-" + java.util.UUID.randomUUID();
    static final String LOG_FILE = "target/security-matrix-platform.log";
    /** The worker role's Kafka password the platform hands joining workers (JoinResourceTest). */
    public static final String WORKER_KAFKA_PASSWORD = "worker-kafka-" + java.util.UUID.randomUUID();

    /** The file the platform logs to, for tests that grep it for secrets. */
    public static java.nio.file.Path logFile() {
        return java.nio.file.Path.of(LOG_FILE);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(Map.entry("looplab.auth.enabled", "true"),
                // a cluster with a user per role: joining workers are told theirs (the platform's own is unset)
                Map.entry("looplab.join.worker.kafka-username", "looplab-worker"),
                Map.entry("looplab.join.worker.kafka-password", WORKER_KAFKA_PASSWORD),
                Map.entry("looplab.auth.local-role", "none"),
                Map.entry("looplab.auth.seed.admin", ADMIN_SECRET),
                Map.entry("quarkus.log.file.enabled", "true"),
                Map.entry("quarkus.log.file.path", LOG_FILE),
                // every request's line too, so a token in a URL or header would show up in the log
                Map.entry("quarkus.http.access-log.enabled", "true"),
                Map.entry("quarkus.http.access-log.pattern", "combined"));
    }
}
