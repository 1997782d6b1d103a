package dev.looplab.platform.run;

import dev.looplab.events.Json;
import dev.looplab.events.RunRequest;
import dev.looplab.infra.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fair dispatch against a real broker: consumers in a real group stand in for the workers (one run at a time,
 * partitions paused while busy, like the worker's RunConsumer), and the test's lease book says who runs what.
 */
class FairDispatcherTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static EmbeddedKafka kafka;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    private String topic;
    private String group;
    private final Map<String, Integer> running = new ConcurrentHashMap<>();
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final List<FakeWorker> workers = new ArrayList<>();
    private WorkerGroup members;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        admin = kafka.admin();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @BeforeEach
    void newTopicAndGroup() {
        topic = "runs-" + UUID.randomUUID();
        group = "workers-" + UUID.randomUUID();
        kafka.createTopics(List.of(topic), 6);
        members = new WorkerGroup(admin, group, topic);
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(FakeWorker::close);
    }

    @Test
    void givenTwoWorkersAndOneBusy_whenRunsWait_thenTheIdleOneGetsThemOneAtATime() {
        FakeWorker busy = join("worker-a");
        FakeWorker idle = join("worker-b");
        awaitMembers("worker-a", "worker-b");
        busy.startTrial("trial-0");
        FairDispatcher dispatcher = dispatcher(0);

        dispatcher.enqueue(run("trial-1"));
        dispatcher.enqueue(run("trial-2"));
        dispatcher.dispatch();

        await().atMost(SETTLE).until(() -> idle.received().contains("trial-1"));
        assertThat(dispatcher.dispatch()).as("both workers busy, no backlog: trial-2 waits").isZero();
        assertThat(dispatcher.waiting()).isEqualTo(1);

        idle.finishTrial();
        await().atMost(SETTLE).until(() -> {
            dispatcher.dispatch();
            return idle.received().contains("trial-2");
        });
        assertThat(busy.received()).as("the busy worker got no run while the other was idle").isEmpty();
    }

    @Test
    void givenBacklog_whenOneWorkerIsBusy_thenTheIdleOneIsServedFirst() {
        FakeWorker busy = join("worker-a");
        FakeWorker idle = join("worker-b");
        awaitMembers("worker-a", "worker-b");
        busy.startTrial("trial-0");
        FairDispatcher dispatcher = dispatcher(1);

        dispatcher.enqueue(run("trial-1"));
        assertThat(dispatcher.dispatch()).isEqualTo(1);

        await().atMost(SETTLE).until(() -> idle.received().contains("trial-1"));
        assertThat(busy.received()).isEmpty();
    }

    @Test
    void givenTwoBusyWorkers_whenAThirdJoins_thenItGetsTheWaitingRun() {
        join("worker-a").startTrial("trial-0a");
        join("worker-b").startTrial("trial-0b");
        awaitMembers("worker-a", "worker-b");
        FairDispatcher dispatcher = dispatcher(0);
        dispatcher.enqueue(run("trial-1"));
        assertThat(dispatcher.dispatch()).isZero();

        FakeWorker newcomer = join("worker-c");

        await().atMost(SETTLE).until(() -> {
            dispatcher.dispatch();
            return newcomer.received().contains("trial-1");
        });
        assertThat(workers.get(0).received()).isEmpty();
        assertThat(workers.get(1).received()).isEmpty();
    }

    @Test
    void givenARunQueuedBehindABusyWorker_whenThatWorkerLeaves_thenTheOtherTakesIt() {
        FakeWorker leaving = join("worker-a");
        FakeWorker staying = join("worker-b");
        awaitMembers("worker-a", "worker-b");
        leaving.startTrial("trial-0a");
        staying.startTrial("trial-0b");
        FairDispatcher dispatcher = dispatcher(1);
        dispatcher.enqueue(run("trial-1"));
        // equal load: the first worker by id gets the run, to wait behind its trial
        assertThat(dispatcher.dispatch()).isEqualTo(1);
        assertThat(dispatcher.dispatched()).isEqualTo(1);

        leaving.close();
        staying.finishTrial();

        await().atMost(SETTLE).until(() -> staying.received().contains("trial-1"));
        assertThat(leaving.received()).isEmpty();
    }

    // ---- the stand-ins

    private FairDispatcher dispatcher(int backlog) {
        FairDispatcher.Sender sender = (request, partition) -> {
            try {
                producer.send(new ProducerRecord<>(topic, partition, request.trialId(), Json.write(request)))
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        FairDispatcher.Claims claims = new FairDispatcher.Claims() {
            @Override
            public Map<String, Integer> runningByWorker() {
                return Map.copyOf(running);
            }

            @Override
            public Set<String> taken(Collection<String> attempts) {
                return attempts.stream().filter(taken::contains).collect(Collectors.toSet());
            }
        };
        return new FairDispatcher(members, sender, claims, backlog);
    }

    private static FairDispatcher.QueuedRun run(String trialId) {
        return new FairDispatcher.QueuedRun(new RunRequest(RunRequest.SCHEMA, trialId, 1, "c", "noop",
                "http://localhost/git/noop.git", "0000000", 60, 1L, System.currentTimeMillis(), 0, 0), () -> { });
    }

    private FakeWorker join(String name) {
        FakeWorker worker = new FakeWorker(name);
        workers.add(worker);
        return worker;
    }

    private void awaitMembers(String... names) {
        await().atMost(SETTLE).until(() -> {
            members.refresh();
            return members.members().stream().map(WorkerGroup.Member::clientId).sorted().toList()
                    .equals(List.of(names));
        });
    }

    /** One run at a time, like a worker: takes a record, claims it, and pauses its partitions until it finishes. */
    private final class FakeWorker implements AutoCloseable {
        private final String name;
        private final List<String> received = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean busy;
        private volatile boolean open = true;

        FakeWorker(String name) {
            this.name = name;
            this.thread = new Thread(this::consume, "fake-" + name);
            thread.start();
        }

        List<String> received() {
            return received;
        }

        /** Busy with a trial claimed outside the topic (the state the test starts from). */
        void startTrial(String trialId) {
            taken.add(trialId + ":1");
            running.merge(name, 1, Integer::sum);
            busy = true;
        }

        void finishTrial() {
            running.remove(name);
            busy = false;
        }

        private void consume() {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, group,
                    ConsumerConfig.CLIENT_ID_CONFIG, name,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (open) {
                    if (busy) {
                        consumer.pause(consumer.assignment());
                    } else {
                        consumer.resume(consumer.paused());
                    }
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                        if (busy) {
                            // fetched just before the pause: read it later, as the worker's RunConsumer does
                            consumer.seek(partition, record.offset());
                            break;
                        }
                        startTrial(record.key());
                        received.add(record.key());
                        consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
                        consumer.pause(consumer.assignment());
                    }
                }
            }
        }

        @Override
        public void close() {
            open = false;
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
