package dev.looplab.platform.messaging;

import dev.looplab.access.KafkaCredentials;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The platform's Kafka login (LOOPLAB_KAFKA_USERNAME and friends, docs/deploy.md "Kafka"): merged into every
 * messaging channel ({@code kafka-configuration=looplab-kafka}) and every admin client the platform makes.
 */
@ApplicationScoped
public class KafkaAccess {

    /** {@code looplab.kafka.*}: an external cluster's SASL login for the platform's own user. */
    @ConfigMapping(prefix = "looplab.kafka")
    public interface Login {
        Optional<String> securityProtocol();

        Optional<String> saslMechanism();

        Optional<String> username();

        Optional<String> password();
    }

    @Inject
    Login login;

    public KafkaCredentials credentials() {
        return new KafkaCredentials(login.securityProtocol().orElse(null), login.saslMechanism().orElse(null),
                login.username().orElse(null), login.password().orElse(null));
    }

    @Produces
    @Identifier("looplab-kafka")
    Map<String, Object> channelConfig() {
        return credentials().clientConfig();
    }

    /** {@code base} with the login settings added. */
    public Map<String, Object> with(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.putAll(credentials().clientConfig());
        return config;
    }
}
