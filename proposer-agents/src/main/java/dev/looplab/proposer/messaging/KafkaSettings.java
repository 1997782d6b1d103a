package dev.looplab.proposer.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where Kafka is and how the proposer's plain clients talk to it. */
@ApplicationScoped
public class KafkaSettings {

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrap;

    @ConfigProperty(name = "looplab.proposer.outcomes.group", defaultValue = "looplab-proposer")
    String outcomesGroup;

    @ConfigProperty(name = "looplab.kafka.security-protocol", defaultValue = "")
    String securityProtocol;
    @ConfigProperty(name = "looplab.kafka.sasl-mechanism", defaultValue = "SCRAM-SHA-512")
    String saslMechanism;
    @ConfigProperty(name = "looplab.kafka.username", defaultValue = "")
    String username;
    @ConfigProperty(name = "looplab.kafka.password", defaultValue = "")
    String password;

    /** The agent role's Kafka login on an external cluster (docs/deploy.md, "Kafka"); empty: plain clients. */
    private Map<String, Object> login() {
        return new dev.looplab.access.KafkaCredentials(securityProtocol, saslMechanism, username, password).clientConfig();
    }

    public String bootstrap() {
        return bootstrap;
    }

    Map<String, Object> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putAll(login());
        return config;
    }

    Map<String, Object> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, outcomesGroup);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // offsets are committed by the consumer after each batch it handled (dead letters included)
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.putAll(login());
        return config;
    }
}
