package dev.looplab.platform.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Creates, lists, revokes and checks API tokens. A check is answered from a cache for up to
 * {@link #CACHE_FOR} (a revoke on this platform clears it at once; another platform instance sees it within
 * that time), and a token's last-used time is written at most once per {@link #TOUCH_EVERY}, so a worker's
 * heartbeats do not each write a row.
 */
@ApplicationScoped
public class TokenService {
    static final Duration CACHE_FOR = Duration.ofSeconds(10);
    static final Duration TOUCH_EVERY = Duration.ofSeconds(60);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Logger LOG = Logger.getLogger(TokenService.class);

    /** Who a valid secret belongs to. */
    public record Holder(String name, Role role) {
    }

    /** What {@link #create} did. */
    public sealed interface Creation {
        /** The token, with its secret: the only time the secret is seen. */
        record Created(String name, String role, String token, Instant createdAt) implements Creation {
        }

        /** The name or role is not usable; the message says why and what to give. */
        record Refused(int status, String message) implements Creation {
        }
    }

    private record Cached(Holder holder, long loadedAt) {
    }

    @Inject
    TokenRepository tokens;

    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
    private final Map<String, Instant> touched = new ConcurrentHashMap<>();

    public Creation create(String name, String role) {
        if (name == null || !NAME.matcher(name).matches()) {
            return new Creation.Refused(422, "token name '" + name + "' is not usable: give 1 to 100 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        Role parsed;
        try {
            parsed = Role.of(role);
        } catch (IllegalArgumentException e) {
            return new Creation.Refused(422, e.getMessage());
        }
        String secret = TokenSecrets.newSecret();
        return QuarkusTransaction.requiringNew().call(() -> {
            if (tokens.findById(name) != null) {
                return new Creation.Refused(409, "a token named '" + name + "' exists (revoked tokens keep their"
                        + " name): choose another name");
            }
            ApiToken token = new ApiToken();
            token.name = name;
            token.role = parsed;
            token.secretHash = TokenSecrets.hash(secret);
            tokens.persist(token);
            return new Creation.Created(name, parsed.id(), secret, token.createdAt);
        });
    }

    public List<TokenView> list() {
        return QuarkusTransaction.requiringNew().call(() -> tokens.listByCreation().stream().map(TokenView::of).toList());
    }

    /** Revokes {@code name}: from now on its secret gets 401. Empty when no token has that name. */
    public Optional<TokenView> revoke(String name) {
        Optional<TokenView> revoked = QuarkusTransaction.requiringNew().call(() -> {
            ApiToken token = tokens.findById(name);
            if (token == null) {
                return Optional.empty();
            }
            if (token.revokedAt == null) {
                token.revokedAt = Instant.now();
            }
            return Optional.of(TokenView.of(token));
        });
        revoked.ifPresent(t -> byHash.values().removeIf(c -> c.holder().name().equals(name)));
        return revoked;
    }

    /** The holder of {@code secret}, or empty for an unknown or revoked secret. Blocking (database). */
    public Optional<Holder> verify(String secret) {
        String hash = TokenSecrets.hash(secret);
        long now = System.nanoTime();
        Cached cached = byHash.get(hash);
        if (cached != null && now - cached.loadedAt() < CACHE_FOR.toNanos()) {
            touch(cached.holder().name());
            return Optional.of(cached.holder());
        }
        Optional<Holder> holder = QuarkusTransaction.requiringNew().call(() -> tokens.findBySecretHash(hash)
                .filter(t -> !t.revoked()).map(t -> new Holder(t.name, t.role)));
        if (holder.isEmpty()) {
            byHash.remove(hash);
            return holder;
        }
        byHash.put(hash, new Cached(holder.get(), now));
        touch(holder.get().name());
        return holder;
    }

    private void touch(String name) {
        Instant now = Instant.now();
        Instant last = touched.get(name);
        if (last != null && last.plus(TOUCH_EVERY).isAfter(now)) {
            return;
        }
        touched.put(name, now);
        QuarkusTransaction.requiringNew().run(() -> tokens.touch(name, now));
    }

    /**
     * Registers {@code secret} as token {@code name} with {@code role}, as a deployment's secrets or looplab up's
     * admin token file say: a new name is created, a changed secret replaces the old one (rotation), and a revoked
     * token stays revoked.
     */
    void seed(String name, Role role, String secret) {
        String hash = TokenSecrets.hash(secret);
        QuarkusTransaction.requiringNew().run(() -> {
            ApiToken token = tokens.findById(name);
            Optional<ApiToken> sameSecret = tokens.findBySecretHash(hash);
            if (sameSecret.isPresent() && !sameSecret.get().name.equals(name)) {
                LOG.errorf("token %s is not registered: its secret is already token %s's; give each role its own"
                        + " secret", name, sameSecret.get().name);
                return;
            }
            if (token == null) {
                token = new ApiToken();
                token.name = name;
                token.role = role;
                token.secretHash = hash;
                tokens.persist(token);
                LOG.infof("registered token %s (%s)", name, role.id());
            } else if (token.revoked()) {
                LOG.warnf("token %s is revoked and stays so: give its secret another name to use it again", name);
            } else if (!token.secretHash.equals(hash) || token.role != role) {
                token.secretHash = hash;
                token.role = role;
                LOG.infof("token %s has a new secret (%s)", name, role.id());
            }
        });
        byHash.clear();
    }
}
