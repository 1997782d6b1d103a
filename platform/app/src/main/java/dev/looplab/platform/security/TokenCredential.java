package dev.looplab.platform.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A token's secret as a request carried it (never logged: {@link #toString()} hides it). */
final class TokenCredential extends BaseAuthenticationRequest {
    private final String secret;

    TokenCredential(String secret) {
        this.secret = secret;
    }

    String secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "TokenCredential[secret hidden]";
    }
}
