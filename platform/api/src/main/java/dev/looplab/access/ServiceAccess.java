package dev.looplab.access;

/**
 * What the platform hands an app that joins with only its URL and a token ({@code GET /api/join/worker} or
 * {@code /api/join/proposer}): where Kafka and S3 are and how this role logs into them. A proposer gets no S3
 * (it stores nothing). {@link #toString()} never shows a password or secret key.
 *
 * @param role       the role the answer is for ({@code worker} or {@code agent})
 * @param kafka      the bootstrap servers and the role's Kafka login
 * @param s3         the artifact store and its credentials; null for a proposer
 * @param lineageUrl the base URL trial commits are fetched from (the platform's {@code /git}); null when the
 *                   platform hands out local repository paths
 */
public record ServiceAccess(String role, Kafka kafka, S3 s3, String lineageUrl) {

    public ServiceAccess {
        if (kafka == null || kafka.bootstrap() == null || kafka.bootstrap().isBlank()) {
            throw new IllegalArgumentException("a service access answer without a Kafka bootstrap");
        }
    }

    /** The Kafka cluster and the role's login on it (no user name: plain clients). */
    public record Kafka(String bootstrap, String securityProtocol, String saslMechanism, String username,
                        String password) {

        /** The login as the clients take it. */
        public KafkaCredentials credentials() {
            return new KafkaCredentials(securityProtocol, saslMechanism, username, password);
        }

        @Override
        public String toString() {
            return "Kafka[" + bootstrap + ", " + credentials() + "]";
        }
    }

    /** The S3 server holding artifacts, its bucket and the credentials to write there. */
    public record S3(String endpoint, String region, String bucket, String accessKey, String secretKey) {

        @Override
        public String toString() {
            return "S3[" + endpoint + ", bucket " + bucket + ", access key " + accessKey + "]";
        }
    }
}
