package dev.looplab.worker.run;

import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import dev.looplab.events.RunRequest;
import dev.looplab.infra.LooplabServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer loop's delivery rules against a real broker, with stand-in trials. */
class RunConsumerTest {
    /** Far below a real trial's length, so a stand-in trial can outlast it. */
    private static final int MAX_POLL_INTERVAL_MS = 2000;

    private static LooplabServices services;
    private static KafkaProducer<String, String> producer;

    private String topic;
    private String group;
    private RunConsumer consumer;
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startKafka() {
        services = LooplabServices.sharedForTests();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @BeforeEach
    void freshTopicAndGroup() {
        // a topic and group of its own: the worker app under test elsewhere consumes the real runs topic
        topic = "test-runs-" + UUID.randomUUID();
        group = "test-workers-" + UUID.randomUUID();
        services.embeddedKafka().createTopics(List.of(topic), 1);
    }

    @AfterEach
    void stopConsumer() {
        if (consumer != null) {
            consumer.close();
        }
    }

    private void startConsumer(TrialHandler handler) {
        consumer = new RunConsumer(services.kafkaBootstrap(), "test-worker", handler, topic, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000), deadLetters::add);
        consumer.start();
    }

    @Test
    void aTrialLongerThanThePollIntervalRunsOnceAndIsCommitted() throws Exception {
        // given a trial that takes several times the consumer's max poll interval
        startConsumer(request -> {
            handled.add(request.trialId());
            if (request.trialId().equals("long")) {
                Thread.sleep(3L * MAX_POLL_INTERVAL_MS);
            }
        });

        // when it and a short one are requested
        publish(request("long"));
        publish(request("short"));

        // then each ran once, in order, and both offsets are committed: the worker never left the group
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains("short"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(2).equals(committed()));
        assertThat(handled).containsExactly("long", "short");
    }

    @Test
    void everyBadRecordIsSetAsideWithItsReasonAndTheConsumerGoesOn() throws Exception {
        // given garbage of every kind and then a valid request
        startConsumer(request -> handled.add(request.trialId()));
        producer.send(new ProducerRecord<>(topic, "json", "{not json")).get();
        producer.send(new ProducerRecord<>(topic, "no-trial", "{\"schema\":1}")).get();
        try (KafkaProducer<String, byte[]> bytes = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            bytes.send(new ProducerRecord<>(topic, "tombstone", null)).get();
            bytes.send(new ProducerRecord<>(topic, "empty", new byte[0])).get();
            bytes.send(new ProducerRecord<>(topic, "bytes", new byte[] {(byte) 0xff, 0, (byte) 0xc3})).get();
        }
        producer.send(new ProducerRecord<>(topic, "schema", "{\"schema\":99,\"trialId\":\"x\"}")).get();

        // when a valid request follows
        publish(request("after-garbage"));

        // then only the valid one ran, the consumer moved past all seven, and each bad one has its reason
        await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(7).equals(committed()));
        assertThat(handled).containsExactly("after-garbage");
        assertThat(deadLetters).extracting(DeadLetter::key)
                .containsExactly("json", "no-trial", "tombstone", "empty", "bytes", "schema");
        assertThat(deadLetters).extracting(DeadLetter::reason).satisfiesExactly(
                r -> assertThat(r).contains("not a valid RunRequest"), r -> assertThat(r).contains("trialId is missing"),
                r -> assertThat(r).contains("tombstone"), r -> assertThat(r).contains("empty"),
                r -> assertThat(r).contains("not UTF-8"), r -> assertThat(r).contains("schema version 99"));
        assertThat(deadLetters).allSatisfy(l -> assertThat(l.topic()).isEqualTo(topic));
    }

    @Test
    void aTrialThatNeverGetsReportedIsSetAsideAfterItsTries() throws Exception {
        // given a trial whose report always fails
        startConsumer(request -> {
            handled.add(request.trialId());
            if (request.trialId().equals("doomed")) {
                throw new IllegalStateException("broker refused FINISHED");
            }
        });

        // when it and another are requested
        publish(request("doomed"));
        publish(request("next"));

        // then it ran MAX_TRIES times, went to the dead letters, and the next request ran
        await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(2).equals(committed()));
        assertThat(handled).containsExactly("doomed", "doomed", "doomed", "next");
        assertThat(deadLetters).singleElement().satisfies(l -> {
            assertThat(l.reason()).contains("failed 3 times").contains("broker refused FINISHED");
            assertThat(l.attempts()).isEqualTo(RunConsumer.MAX_TRIES);
        });
    }

    @Test
    void aTrialThatCouldNotBeReportedIsReadAgain() throws Exception {
        // given a trial whose first report fails
        AtomicBoolean failedOnce = new AtomicBoolean();
        startConsumer(request -> {
            handled.add(request.trialId());
            if (failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("broker refused FINISHED");
            }
        });

        // when it is requested
        publish(request("flaky"));

        // then it ran again and was committed only after the report went through
        await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(1).equals(committed()));
        assertThat(handled).containsExactly("flaky", "flaky");
    }

    @Test
    void stoppingMidTrialInterruptsItAndCommitsNothing() throws Exception {
        // given a trial in progress
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        startConsumer(request -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        publish(request("abandoned"));
        await().atMost(Duration.ofSeconds(60)).until(() -> started.getCount() == 0);

        // when the worker stops
        consumer.close();
        consumer = null;

        // then the trial was interrupted and its request stays uncommitted for another worker
        assertThat(interrupted).isTrue();
        assertThat(committed()).isNull();
    }

    private static RunRequest request(String trialId) {
        return new RunRequest(RunRequest.SCHEMA, trialId, 1, "c", "golf-mini", "/nowhere",
                "0123456789abcdef0123456789abcdef01234567", 10, 1L, System.currentTimeMillis());
    }

    private void publish(RunRequest request) throws Exception {
        producer.send(new ProducerRecord<>(topic, request.trialId(), Json.write(request))).get();
    }

    /** The group's committed offset on the topic's only partition, or null when none. */
    private Long committed() throws Exception {
        try (Admin admin = services.embeddedKafka().admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
            return offset == null ? null : offset.offset();
        }
    }
}
