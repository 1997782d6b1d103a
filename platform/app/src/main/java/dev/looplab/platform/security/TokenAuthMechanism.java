package dev.looplab.platform.security;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Reads a token from {@code Authorization: Bearer <token>}, or from HTTP Basic with the token as the password
 * (any user name), which is what {@code git clone} and a browser's login prompt send. Without a token a request
 * is anonymous (401 wherever a role is needed) unless the platform listens on loopback only and
 * {@code looplab.auth.local-role} names a role (then it has that role), or it is a git read and
 * {@code looplab.auth.anonymous-git} is on. With {@code looplab.auth.enabled=false} every request is an admin.
 */
@ApplicationScoped
public class TokenAuthMechanism implements HttpAuthenticationMechanism {
    private static final ChallengeData BEARER = new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"looplab\"");
    private static final ChallengeData BASIC = new ChallengeData(401, "WWW-Authenticate", "Basic realm=\"looplab\"");

    /** The names of the identities this mechanism gives a request that sent no token. */
    static final String AUTH_OFF = "auth-off";
    static final String LOCAL = "local";
    static final String ANONYMOUS = "anonymous";
    static final Set<String> WITHOUT_TOKEN = Set.of(AUTH_OFF, LOCAL, ANONYMOUS);

    @Inject
    AuthConfig config;
    @Inject
    Binding binding;

    /** The role of a request without a token, or null when such a request is anonymous. */
    private Role localRole;

    @jakarta.annotation.PostConstruct
    void init() {
        String role = config.localRole().strip();
        localRole = role.equalsIgnoreCase("none") || !binding.loopbackOnly() ? null : Role.of(role);
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!config.enabled()) {
            return Uni.createFrom().item(TokenIdentityProvider.identity(AUTH_OFF, Role.ADMIN));
        }
        String secret = secret(context.request().getHeader("Authorization"));
        if (secret == null) {
            if (localRole != null) {
                return Uni.createFrom().item(TokenIdentityProvider.identity(LOCAL, localRole));
            }
            if (config.anonymousGit() && context.normalizedPath().startsWith("/git/")) {
                return Uni.createFrom().item(TokenIdentityProvider.identity(ANONYMOUS, Role.VIEWER));
            }
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new TokenCredential(secret), context));
    }

    /** The token in an Authorization header, or null when it carries none. */
    static String secret(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return credentials.isEmpty() ? null : credentials;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String pair = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                String password = colon < 0 ? pair : pair.substring(colon + 1);
                return password.isEmpty() ? null : password;
            } catch (IllegalArgumentException e) {
                // not base64: a wrong token, so the identity check says 401
                return credentials;
            }
        }
        return null;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        // git and browsers answer a Basic challenge (a prompt, a credential helper); REST clients send Bearer
        return Uni.createFrom().item(context.normalizedPath().startsWith("/api/") ? BEARER : BASIC);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenCredential.class);
    }
}
