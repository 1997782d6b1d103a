package dev.looplab.access;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaCredentialsTest {

    @Test
    void givenAUser_thenTheClientsLogInWithScramOverTls_andToStringHidesThePassword() {
        KafkaCredentials worker = new KafkaCredentials("", null, "looplab-worker", "s3cret");

        assertThat(worker.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"looplab-worker\" password=\"s3cret\";");
        assertThat(worker.toString()).doesNotContain("s3cret");
    }

    @Test
    void givenNoUser_thenNothingChanges() {
        assertThat(KafkaCredentials.NONE.clientConfig()).isEmpty();
        assertThat(new KafkaCredentials("SASL_PLAINTEXT", "SCRAM-SHA-256", "p", "x").clientConfig())
                .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    }
}
