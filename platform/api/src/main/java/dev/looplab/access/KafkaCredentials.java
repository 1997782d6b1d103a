package dev.looplab.access;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client settings that log a Looplab app into an external Kafka cluster with SASL/SCRAM, one user per role
 * (LOOPLAB_KAFKA_SECURITY_PROTOCOL, LOOPLAB_KAFKA_SASL_MECHANISM, LOOPLAB_KAFKA_USERNAME, LOOPLAB_KAFKA_PASSWORD).
 * Without a user name the clients connect as before (the embedded broker listens on loopback only).
 */
public record KafkaCredentials(String securityProtocol, String saslMechanism, String username, String password) {

    /** No credentials: plain clients. */
    public static final KafkaCredentials NONE = new KafkaCredentials("", "", "", "");

    public KafkaCredentials {
        securityProtocol = securityProtocol == null ? "" : securityProtocol.strip();
        saslMechanism = saslMechanism == null || saslMechanism.isBlank() ? "SCRAM-SHA-512" : saslMechanism.strip();
        username = username == null ? "" : username.strip();
        password = password == null ? "" : password;
        if (!username.isEmpty() && (username.contains("\"") || password.contains("\""))) {
            throw new IllegalArgumentException("LOOPLAB_KAFKA_USERNAME and LOOPLAB_KAFKA_PASSWORD may not hold a"
                    + " double quote (they go into a JAAS line): choose other credentials");
        }
    }

    /** The settings to add to every producer, consumer and admin client's config; empty without a user name. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        if (username.isEmpty()) {
            if (!securityProtocol.isEmpty()) {
                config.put("security.protocol", securityProtocol);
            }
            return config;
        }
        config.put("security.protocol", securityProtocol.isEmpty() ? "SASL_SSL" : securityProtocol);
        config.put("sasl.mechanism", saslMechanism);
        config.put("sasl.jaas.config", jaas());
        return config;
    }

    /** The JAAS line; Kafka's own config logging shows it as [hidden]. */
    private String jaas() {
        String module = saslMechanism.startsWith("SCRAM") ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
        return module + " required username=\"" + username + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
        return "KafkaCredentials[" + (username.isEmpty() ? "none" : username + " via " + saslMechanism) + "]";
    }
}
