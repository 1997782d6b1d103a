package dev.looplab.platform.security;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class TokenRepository implements PanacheRepositoryBase<ApiToken, String> {

    Optional<ApiToken> findBySecretHash(String hash) {
        return find("secretHash", hash).firstResultOptional();
    }

    List<ApiToken> listByCreation() {
        return listAll(Sort.ascending("createdAt"));
    }

    void touch(String name, Instant at) {
        update("lastUsedAt = ?1 where name = ?2 and (lastUsedAt is null or lastUsedAt < ?1)", at, name);
    }
}
