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

    /** A request without a token gets {@code viewer} while the platform listens on loopback only (the UI of looplab up). */
    @WithDefault("true")
    boolean localViewer();

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
