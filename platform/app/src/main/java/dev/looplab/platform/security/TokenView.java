package dev.looplab.platform.security;

import java.time.Instant;

/** A token as {@code GET /api/tokens} lists it: never its secret. */
public record TokenView(String name, String role, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    static TokenView of(ApiToken token) {
        return new TokenView(token.name, token.role.id(), token.createdAt, token.lastUsedAt, token.revokedAt);
    }
}
