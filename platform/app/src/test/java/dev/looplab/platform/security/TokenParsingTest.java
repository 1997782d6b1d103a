package dev.looplab.platform.security;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a token is read from a request, which binds count as this machine only, and what each role implies. */
class TokenParsingTest {

    @Test
    void givenBearerOrBasic_thenTheTokenIsTheBearerValueOrTheBasicPassword() {
        String basic = Base64.getEncoder().encodeToString("git:llt_abc".getBytes(StandardCharsets.UTF_8));

        assertThat(TokenAuthMechanism.secret("Bearer llt_abc")).isEqualTo("llt_abc");
        assertThat(TokenAuthMechanism.secret("bearer  llt_abc ")).isEqualTo("llt_abc");
        assertThat(TokenAuthMechanism.secret("Basic " + basic)).isEqualTo("llt_abc");
        assertThat(TokenAuthMechanism.secret(null)).isNull();
        assertThat(TokenAuthMechanism.secret("Bearer ")).isNull();
        assertThat(TokenAuthMechanism.secret("Digest x")).isNull();
    }

    @Test
    void givenBinds_thenOnlyLoopbackCountsAsThisMachineOnly() {
        assertThat(Binding.isLoopback("127.0.0.1")).isTrue();
        assertThat(Binding.isLoopback("::1")).isTrue();
        assertThat(Binding.isLoopback("localhost")).isTrue();
        assertThat(Binding.isLoopback("0.0.0.0")).isFalse();
        assertThat(Binding.isLoopback("::")).isFalse();
        assertThat(Binding.isLoopback("")).isFalse();
    }

    @Test
    void givenRoles_thenAdminImpliesAllAndEveryRoleImpliesViewer() {
        assertThat(Role.ADMIN.implied()).containsExactlyInAnyOrder("admin", "worker", "agent", "viewer");
        assertThat(Role.WORKER.implied()).containsExactlyInAnyOrder("worker", "viewer");
        assertThat(Role.AGENT.implied()).containsExactlyInAnyOrder("agent", "viewer");
        assertThat(Role.of(" Agent ")).isEqualTo(Role.AGENT);
        assertThatThrownBy(() -> Role.of("root")).hasMessageContaining("viewer, agent, worker, admin");
    }

    @Test
    void givenASecret_thenOnlyItsSha256IsKept_andNewSecretsDiffer() {
        String secret = TokenSecrets.newSecret();

        assertThat(TokenSecrets.hash(secret)).hasSize(64).doesNotContain(secret);
        assertThat(TokenSecrets.newSecret()).isNotEqualTo(secret).startsWith("llt_");
    }
}
