package dev.looplab.platform.messaging;

import dev.looplab.access.KafkaCredentials;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.HashMap;
import java.util.Map;

/**
 * The platform's Kafka login (LOOPLAB_KAFKA_USERNAME and friends, docs/deploy.md "Kafka"): merged into every
 * messaging channel ({@code kafka-configuration=looplab-kafka}) and every admin client the platform makes.
 */
@ApplicationScoped
public class KafkaAccess {
    @ConfigProperty(name = "looplab.kafka.security-protocol", defaultValue = "")
    String securityProtocol;
    @ConfigProperty(name = "looplab.kafka.sasl-mechanism", defaultValue = "SCRAM-SHA-512")
    String saslMechanism;
    @ConfigProperty(name = "looplab.kafka.username", defaultValue = "")
    String username;
    @ConfigProperty(name = "looplab.kafka.password", defaultValue = "")
    String password;

    public KafkaCredentials credentials() {
        return new KafkaCredentials(securityProtocol, saslMechanism, username, password);
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
