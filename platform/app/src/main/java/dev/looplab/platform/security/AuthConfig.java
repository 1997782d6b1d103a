package dev.looplab.platform.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** Who may call the platform ({@code looplab.auth.*}; docs/deploy.md, "Roles and tokens"). */
@ConfigMapping(prefix = "looplab.auth")
public interface AuthConfig {

    /** Tokens on every endpoint (LOOPLAB_AUTH); off is allowed only while the platform listens on loopback. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The role of a request without a token while the platform listens on loopback only (LOOPLAB_LOCAL_ROLE):
     * {@code viewer} by default, {@code admin} under {@code looplab up} so its browser UI can start replays,
     * {@code none} to ask every local caller for a token (a machine shared with other users).
     */
    @WithDefault("viewer")
    String localRole();

    /** {@code git clone} of the lineage without a token (LOOPLAB_GIT_ANONYMOUS_READ). */
    @WithDefault("false")
    boolean anonymousGit();

    /** A file holding the secret of the {@code local-admin} token, written by {@code looplab up} (mode 600). */
    Optional<Path> adminTokenFile();

    /** Secrets the platform registers at start under {@code seed-<role>} (from the deployment's secrets). */
    Seed seed();

    interface Seed {
        Optional<String> admin();

        Optional<String> worker();

        Optional<String> agent();

        Optional<String> viewer();
    }
}
