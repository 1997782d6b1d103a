package dev.looplab.platform.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Turns a token's secret into the identity of its holder with every role the holder's role implies. */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenCredential> {
    @Inject
    TokenService tokens;

    @Override
    public Class<TokenCredential> getRequestType() {
        return TokenCredential.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenCredential request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> tokens.verify(request.secret())
                .map(holder -> identity(holder.name(), holder.role()))
                // says no more than "no": which of unknown or revoked is not the caller's business
                .orElseThrow(AuthenticationFailedException::new));
    }

    static SecurityIdentity identity(String name, Role role) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name))
                .addRoles(role.implied()).build();
    }
}
