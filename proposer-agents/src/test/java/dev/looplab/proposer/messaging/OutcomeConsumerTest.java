package dev.looplab.proposer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Topics;
import dev.looplab.proposer.campaign.ProposerServicesAccess;
import dev.looplab.trial.TrialStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The outcome consumer survives every record: each poison record is dead-lettered with its topic, partition, offset
 * and reason and the consumer moves on to the next; a listener that keeps failing is retried, then dead-lettered.
 * Health and metrics endpoints show it.
 */
@QuarkusTest
@QuarkusTestResource(dev.looplab.proposer.campaign.ProposerServices.class)
class OutcomeConsumerTest {

    @Inject
    ExplodingListener exploding;

    @TestHTTPResource("/q/health/ready")
    URL ready;
    @TestHTTPResource("/q/health/live")
    URL live;
    @TestHTTPResource("/q/metrics")
    URL metrics;

    @Test
    void everyPoisonRecordIsDeadLetteredAndTheNextValidOutcomeIsStillRead() throws Exception {
        String bootstrap = ProposerServicesAccess.bootstrap();
        byte[] randomBytes = new byte[64];
        new Random(5).nextBytes(randomBytes);
        randomBytes[0] = (byte) 0xC3; // an invalid UTF-8 sequence start
        randomBytes[1] = (byte) 0x28;
        String big = Json.write(outcome("big", "x".repeat(900_000)));
        String key = "poison-" + UUID.randomUUID();

        // given six poison records and then a valid outcome whose listener fails every time, all on one partition
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000), new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : new byte[][] {null, new byte[0], randomBytes, bytes("{\"schema\": 1, \"campaign\": "),
                    bytes(Json.write(outcome("c", "fine")).replace("\"schema\":1", "\"schema\":2")), bytes(big),
                    bytes(Json.write(outcome(ExplodingListener.CAMPAIGN, "fine")))}) {
                sent.add(producer.send(new ProducerRecord<>(Topics.OUTCOMES, 0, key, value)).get());
            }
        }

        // then each comes back on looplab.dead-letters with its place and reason
        List<DeadLetter> letters = deadLetters(key, 7);
        assertThat(letters).extracting(DeadLetter::offset).containsExactlyElementsOf(
                sent.stream().map(RecordMetadata::offset).toList());
        assertThat(letters).allSatisfy(l -> {
            assertThat(l.topic()).isEqualTo(Topics.OUTCOMES);
            assertThat(l.partition()).isZero();
            assertThat(l.consumer()).isEqualTo("proposer-agents");
        });
        assertThat(letters.get(0).reason()).startsWith("null value (a tombstone)");
        assertThat(letters.get(0).valueEncoding()).isNull();
        assertThat(letters.get(1).reason()).isEqualTo("empty value");
        assertThat(letters.get(2).reason()).isEqualTo("value is not UTF-8 text");
        assertThat(letters.get(2).valueEncoding()).isEqualTo("base64");
        assertThat(letters.get(3).reason()).contains("not a valid OutcomeRecorded");
        assertThat(letters.get(4).reason()).isEqualTo("unknown schema version 2 (this proposer reads 1)");
        assertThat(letters.get(5).reason()).contains("over the 262144-byte limit");
        assertThat(letters.get(5).truncated()).isTrue();
        assertThat(letters.get(6).reason()).startsWith("processing failed 3 times: java.lang.IllegalStateException");
        assertThat(letters.get(6).attempts()).isEqualTo(3);
        assertThat(exploding.calls()).isEqualTo(3);

        // and the consumer is still alive and ready, with the dead letters counted in its metrics
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(http.send(HttpRequest.newBuilder(ready.toURI()).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
        HttpResponse<String> liveness = http.send(HttpRequest.newBuilder(live.toURI()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).contains("outcome-consumer").contains("UP");
        String scrape = http.send(HttpRequest.newBuilder(metrics.toURI()).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(scrape).contains("looplab_dead_letters_total{consumer=\"proposer-agents\",kind=\"tombstone\","
                        + "topic=\"looplab.outcomes\"}")
                .contains("looplab_dead_letters_total{consumer=\"proposer-agents\",kind=\"processing\"")
                .contains("looplab_proposer_outcomes_lag");
    }

    private List<DeadLetter> deadLetters(String key, int count) {
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ProposerServicesAccess.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4_000_000),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> {
                    DeadLetter l = Json.read(r.value(), DeadLetter.class);
                    if (key.equals(l.key())) {
                        letters.add(l);
                    }
                });
                return letters.size() >= count;
            });
        }
        letters.sort(java.util.Comparator.comparingLong(DeadLetter::offset));
        return letters;
    }

    private static OutcomeRecorded outcome(String campaign, String feedback) {
        return new OutcomeRecorded(OutcomeRecorded.SCHEMA, "p-" + UUID.randomUUID(), "1", campaign, "golf-mini", "s", "0",
                TrialStatus.discard, 3.95, 0.05, 0.05, "0", 3.9, feedback, System.currentTimeMillis());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
