package dev.looplab.platform.join;

import dev.looplab.access.KafkaCredentials;
import dev.looplab.access.ServiceAccess;
import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.messaging.KafkaAccess;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/** Assembles the {@link ServiceAccess} of a joining worker or proposer from the platform's own settings. */
@ApplicationScoped
public class JoinService {

    /** The answer, or why there is none (a setting the platform lacks, named with its fix). */
    public sealed interface Answer {
        record Granted(ServiceAccess access) implements Answer {
        }

        record Unavailable(String reason) implements Answer {
        }
    }

    @Inject
    JoinConfig join;

    @Inject
    LooplabConfig looplab;

    @Inject
    KafkaAccess kafkaAccess;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrap;

    /** What a worker needs: Kafka with the worker role's user, S3 with the worker keys (else the platform's). */
    public Answer forWorker() {
        JoinConfig.WorkerLogin login = join.worker();
        Optional<String> missing = missingKafkaUser("worker", "LOOPLAB_WORKER_KAFKA_USERNAME",
                login.kafkaUsername());
        if (missing.isPresent()) {
            return new Answer.Unavailable(missing.get());
        }
        LooplabConfig.S3 s3 = looplab.s3();
        Optional<String> endpoint = present(join.s3Endpoint()).or(() -> present(s3.endpoint()));
        if (endpoint.isEmpty()) {
            return new Answer.Unavailable("the platform has no S3 endpoint to hand a worker: set LOOPLAB_S3_ENDPOINT"
                    + " (or LOOPLAB_JOIN_S3_ENDPOINT) on the platform, or give the worker LOOPLAB_S3_ENDPOINT itself");
        }
        boolean ownKeys = present(login.s3AccessKey()).isPresent();
        ServiceAccess.S3 store = new ServiceAccess.S3(endpoint.get(), s3.region(), s3.bucket(),
                ownKeys ? login.s3AccessKey().get() : s3.accessKey().orElse(null),
                ownKeys ? login.s3SecretKey().orElse(null) : s3.secretKey().orElse(null));
        return new Answer.Granted(new ServiceAccess("worker", kafka(login.kafkaUsername(), login.kafkaPassword()),
                store, looplab.lineageUrl().orElse(null)));
    }

    /** What a proposer needs: Kafka with the agent role's user; no S3. */
    public Answer forProposer() {
        JoinConfig.AgentLogin login = join.agent();
        Optional<String> missing = missingKafkaUser("agent", "LOOPLAB_AGENT_KAFKA_USERNAME", login.kafkaUsername());
        if (missing.isPresent()) {
            return new Answer.Unavailable(missing.get());
        }
        return new Answer.Granted(new ServiceAccess("agent", kafka(login.kafkaUsername(), login.kafkaPassword()),
                null, looplab.lineageUrl().orElse(null)));
    }

    private ServiceAccess.Kafka kafka(Optional<String> username, Optional<String> password) {
        KafkaCredentials platform = kafkaAccess.credentials();
        String bootstrap = present(join.kafkaBootstrap()).orElse(kafkaBootstrap);
        if (present(username).isEmpty()) {
            // the platform's own cluster has no login: neither does the role
            return new ServiceAccess.Kafka(bootstrap, blankToNull(platform.securityProtocol()), null, null, null);
        }
        return new ServiceAccess.Kafka(bootstrap, blankToNull(platform.securityProtocol()), platform.saslMechanism(),
                username.get().strip(), password.orElse(""));
    }

    /** A cluster the platform logs into needs a user for the role too; never the platform's own. */
    private Optional<String> missingKafkaUser(String role, String setting, Optional<String> username) {
        if (kafkaAccess.credentials().username().isEmpty() || present(username).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("the platform logs into Kafka with a user, but no Kafka user is set for the " + role
                + " role: set " + setting + " and its password on the platform (docs/deploy.md, \"Kafka\"), or give"
                + " the joining app its own LOOPLAB_KAFKA_BOOTSTRAP and LOOPLAB_KAFKA_USERNAME");
    }

    private static Optional<String> present(Optional<String> value) {
        return value.filter(v -> !v.isBlank()).map(String::strip);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
