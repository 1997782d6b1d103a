package dev.looplab.platform.security;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The platform with tokens on and no anonymous viewer: what it is when it listens beyond loopback. */
public class AuthOnProfile implements QuarkusTestProfile {
    /** Registered at start as token {@code seed-admin}: the test's way in to create the other tokens. */
    public static final String ADMIN_SECRET = "llt_test-admin-" + java.util.UUID.randomUUID();
    static final String LOG_FILE = "target/security-matrix-platform.log";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("looplab.auth.enabled", "true",
                "looplab.auth.local-role", "none",
                "looplab.auth.seed.admin", ADMIN_SECRET,
                "quarkus.log.file.enabled", "true",
                "quarkus.log.file.path", LOG_FILE,
                // every request's line too, so a token in a URL or header would show up in the log
                "quarkus.http.access-log.enabled", "true",
                "quarkus.http.access-log.pattern", "combined");
    }
}
