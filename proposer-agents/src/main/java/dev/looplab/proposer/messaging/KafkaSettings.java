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

    @jakarta.inject.Inject
    dev.looplab.proposer.ProposerConfig config;

    /** The agent role's Kafka login on an external cluster (docs/deploy.md, "Kafka"); empty: plain clients. */
    private Map<String, Object> login() {
        var kafka = config.kafka();
        return new dev.looplab.access.KafkaCredentials(kafka.securityProtocol().orElse(null),
                kafka.saslMechanism().orElse(null), kafka.username().orElse(null), kafka.password().orElse(null))
                .clientConfig();
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
