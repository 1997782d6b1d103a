package dev.looplab.platform.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A named API token: its role and the SHA-256 of its secret (the secret itself is shown once and never kept). */
@Entity
@Table(name = "api_token")
public class ApiToken {
    @Id
    public String name;
    @Enumerated(EnumType.STRING)
    public Role role;
    @Column(name = "secret_hash")
    public String secretHash;
    @Column(name = "created_at")
    public Instant createdAt = Instant.now();
    @Column(name = "last_used_at")
    public Instant lastUsedAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;

    boolean revoked() {
        return revokedAt != null;
    }
}
