package dev.looplab.platform.join;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * What the platform tells a worker or proposer that joins with only its URL and a token ({@code looplab.join.*};
 * docs/deploy.md, "Workers on other hosts"). Unset addresses are the platform's own.
 */
@ConfigMapping(prefix = "looplab.join")
public interface JoinConfig {

    /** The Kafka bootstrap joining apps are told (LOOPLAB_JOIN_KAFKA_BOOTSTRAP), where theirs differs from ours. */
    Optional<String> kafkaBootstrap();

    /** The S3 endpoint joining workers are told (LOOPLAB_JOIN_S3_ENDPOINT), where theirs differs from ours. */
    Optional<String> s3Endpoint();

    WorkerLogin worker();

    AgentLogin agent();

    /** The worker role's Kafka user and S3 keys (LOOPLAB_WORKER_KAFKA_USERNAME, ..._S3_ACCESS_KEY); never logged. */
    interface WorkerLogin {
        Optional<String> kafkaUsername();

        Optional<String> kafkaPassword();

        /** Unset: the platform's own S3 keys. */
        Optional<String> s3AccessKey();

        Optional<String> s3SecretKey();
    }

    /** The agent role's Kafka user (LOOPLAB_AGENT_KAFKA_USERNAME, LOOPLAB_AGENT_KAFKA_PASSWORD); never logged. */
    interface AgentLogin {
        Optional<String> kafkaUsername();

        Optional<String> kafkaPassword();
    }
}
