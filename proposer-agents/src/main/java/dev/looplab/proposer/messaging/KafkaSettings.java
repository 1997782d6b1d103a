package dev.looplab.proposer.messaging;

import dev.looplab.access.KafkaCredentials;
import dev.looplab.access.PlatformToken;
import dev.looplab.access.ServiceAccess;
import dev.looplab.access.ServiceAccessClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Where Kafka is and how the proposer's plain clients talk to it: its own settings when it has a bootstrap
 * (LOOPLAB_KAFKA_BOOTSTRAP), else what the platform tells a joining proposer ({@code GET /api/join/proposer}), so a
 * proposer on another host needs only the platform's URL and an agent token.
 */
@ApplicationScoped
public class KafkaSettings {
    private static final Logger LOG = Logger.getLogger(KafkaSettings.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    Optional<String> bootstrap;

    @ConfigProperty(name = "looplab.proposer.outcomes.group", defaultValue = "looplab-proposer")
    String outcomesGroup;

    @jakarta.inject.Inject
    dev.looplab.proposer.ProposerConfig config;

    /** The bootstrap and login in use, settled once. */
    private record Resolved(String bootstrap, KafkaCredentials login) {
    }

    private Resolved resolved;

    /** Settles the settings before the consumers start, so a refused token stops the proposer with its reason. */
    void onStart(@Observes @Priority(1) StartupEvent event) {
        resolved();
    }

    private synchronized Resolved resolved() {
        if (resolved != null) {
            return resolved;
        }
        var kafka = config.kafka();
        KafkaCredentials own = new KafkaCredentials(kafka.securityProtocol().orElse(null),
                kafka.saslMechanism().orElse(null), kafka.username().orElse(null), kafka.password().orElse(null));
        Optional<String> given = bootstrap.filter(b -> !b.isBlank());
        if (given.isPresent()) {
            resolved = new Resolved(given.get().strip(), own);
            return resolved;
        }
        Optional<PlatformToken> token = PlatformToken.of(config.platform().token().orElse(null),
                config.platform().tokenFile().orElse(null));
        ServiceAccess access = ServiceAccessClient.fetch(config.platform().url(), token,
                ServiceAccessClient.Joiner.PROPOSER, config.platform().joinTimeout());
        // a proposer with its own Kafka user logs in as it is told; otherwise as the platform says
        boolean ownLogin = kafka.username().filter(u -> !u.isBlank()).isPresent();
        resolved = new Resolved(access.kafka().bootstrap(), ownLogin ? own : access.kafka().credentials());
        LOG.infof("Kafka from the platform at %s: %s %s", config.platform().url(), resolved.bootstrap(),
                resolved.login());
        return resolved;
    }

    public String bootstrap() {
        return resolved().bootstrap();
    }

    Map<String, Object> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putAll(resolved().login().clientConfig());
        return config;
    }

    Map<String, Object> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, outcomesGroup);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // offsets are committed by the consumer after each batch it handled (dead letters included)
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.putAll(resolved().login().clientConfig());
        return config;
    }
}
