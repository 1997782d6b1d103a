package dev.looplab.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.looplab.runtime.kafka.KafkaRuntime;

class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        System.out.println("kafka temp start: " + kafka.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aProducedRecordIsConsumedByAConsumerGroup() throws Exception {
        // given a topic with three partitions
        String topic = "looplab.test-" + UUID.randomUUID();
        kafka.createTopics(List.of(topic), 3);

        // when a record is produced
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            sent = producer.send(new ProducerRecord<>(topic, "trial-1", "{\"score\":0.93}")).get();
        }

        // then a consumer group reads it back with its key
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "workers",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("trial-1");
            assertThat(r.value()).isEqualTo("{\"score\":0.93}");
            assertThat(r.partition()).isEqualTo(sent.partition());
        });
    }

    @Test
    void createTopicsIsIdempotentAndKeepsExistingPartitions() throws Exception {
        // given a topic created with two partitions
        String topic = "looplab.idem-" + UUID.randomUUID();
        kafka.createTopics(List.of(topic), 2);

        // when it is asked for again with another count, along with a new one
        String other = topic + "-b";
        kafka.createTopics(List.of(topic, other), 5);

        // then the first keeps its partitions and the second exists
        try (Admin admin = kafka.admin()) {
            var described = admin.describeTopics(List.of(topic, other)).allTopicNames().get();
            assertThat(described.get(topic).partitions()).hasSize(2);
            assertThat(described.get(other).partitions()).hasSize(5);
        }
    }

    @Test
    void aKeptDirectoryRestartsWithItsTopicsAndStopLeavesNoProcess(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // given a broker on a kept directory with a topic
        String topic = "looplab.kept";
        try (EmbeddedKafka first = EmbeddedKafka.start(dir, 0)) {
            first.createTopics(List.of(topic), 1);
        }
        assertThat(Files.exists(dir.resolve("log/meta.properties"))).isTrue();

        // when it is started again on the same directory
        EmbeddedKafka second = EmbeddedKafka.start(dir, 0);
        System.out.println("kafka kept-dir restart: " + second.startupTime().toMillis() + " ms");
        ProcessHandle broker = second.process();
        try (Admin admin = second.admin()) {
            // then the topic is still there
            assertThat(admin.listTopics().names().get()).contains(topic);
        } finally {
            second.close();
        }

        // and stopping it leaves no broker process behind
        assertThat(broker.isAlive()).isFalse();
        assertThat(ChildProcesses.alive(dir.toString())).isEmpty();
    }

    @Test
    void givenABrokerKilledWithSigkill_whenRestarted_thenItAnswersOnTheSamePortWithItsTopics() throws Exception {
        // given the broker with a topic
        String topic = "looplab.survives-" + UUID.randomUUID();
        kafka.createTopics(List.of(topic), 1);
        String bootstrap = kafka.bootstrapServers();
        ProcessHandle killed = kafka.process();

        // when its JVM is killed and it is restarted
        killed.destroyForcibly();
        killed.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(kafka.isRunning()).isFalse();
        assertThat(kafka.exitCode()).hasValue(137);
        kafka.restart();
        System.out.println("kafka restart after kill -9: " + kafka.startupTime().toMillis() + " ms");

        // then it runs as a new process on the same port, and the topic is still there
        assertThat(kafka.isRunning()).isTrue();
        assertThat(kafka.pid()).isNotEqualTo(killed.pid());
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get()).contains(topic);
        }
    }

    @Test
    void theRuntimeClasspathNamesOnlyExistingJars() {
        // given the classpath resolved by the runtime module
        String classpath = KafkaRuntime.classpathString();

        // then every entry exists and the broker's main jar is on it
        assertThat(classpath.split(":")).allSatisfy(entry -> assertThat(Path.of(entry)).exists());
        assertThat(classpath).contains("kafka_2.13-4.4.0.jar");
    }
}
