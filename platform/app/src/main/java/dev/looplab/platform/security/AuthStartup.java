package dev.looplab.platform.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * At start: refuses to serve beyond loopback without tokens, and registers the tokens the deployment hands the
 * platform (looplab up's admin token file, the {@code looplab.auth.seed.*} secrets).
 */
@ApplicationScoped
public class AuthStartup {
    private static final Logger LOG = Logger.getLogger(AuthStartup.class);

    @Inject
    AuthConfig config;
    @Inject
    Binding binding;
    @Inject
    TokenService tokens;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled() && !binding.loopbackOnly()) {
            throw new IllegalStateException("the platform would listen on " + binding.host() + " with"
                    + " looplab.auth.enabled=false: anyone who reaches it could run code on the workers. Turn tokens on"
                    + " (LOOPLAB_AUTH=true) or listen on loopback only (LOOPLAB_BIND=127.0.0.1)");
        }
        if (!config.enabled()) {
            LOG.warn("tokens are off (looplab.auth.enabled=false): every request on " + binding.host() + " is an admin");
            return;
        }
        config.adminTokenFile().ifPresent(file -> {
            try {
                if (Files.isRegularFile(file)) {
                    tokens.seed("local-admin", Role.ADMIN, Files.readString(file).strip());
                } else {
                    LOG.warnf("no admin token file at %s (looplab.auth.admin-token-file): no local-admin token", file);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the admin token file " + file + ": " + e.getMessage(), e);
            }
        });
        seed(Role.ADMIN, config.seed().admin());
        seed(Role.WORKER, config.seed().worker());
        seed(Role.AGENT, config.seed().agent());
        seed(Role.VIEWER, config.seed().viewer());
        String local = config.localRole().strip();
        if (!local.equalsIgnoreCase("none")) {
            Role.of(local); // a typo fails the start, naming the roles
        }
        LOG.infof("tokens are on; a request without one is %s", !local.equalsIgnoreCase("none") && binding.loopbackOnly()
                ? "a local " + local + " (listening on loopback " + binding.host() + " only)" : "refused (401)");
    }

    private void seed(Role role, Optional<String> secret) {
        secret.map(String::strip).filter(s -> !s.isEmpty())
                .ifPresent(s -> tokens.seed("seed-" + role.id(), role, s));
    }
}
