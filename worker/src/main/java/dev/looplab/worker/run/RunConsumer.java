package dev.looplab.worker.run;

import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import dev.looplab.events.RecordChecks;
import dev.looplab.events.RunRequest;
import dev.looplab.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Takes run requests from {@code looplab.runs} one at a time in the {@code looplab-workers} group.
 * While a trial runs the partitions are paused and polling continues, so a long trial keeps the
 * worker in the group; the offset is committed only after FINISHED is acknowledged (at least once).
 * No record stops it: one that is not a run request, or whose trial could not be reported after
 * {@link #MAX_TRIES} tries, goes to {@code looplab.dead-letters} with its reason.
 */
public final class RunConsumer implements AutoCloseable {
    public static final String GROUP = "looplab-workers";
    private static final Logger LOG = Logger.getLogger(RunConsumer.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration BUSY_POLL = Duration.ofMillis(200);
    /** A short poll between waits on a running trial: it keeps the worker in the group (rebalances, heartbeats). */
    private static final Duration GROUP_POLL = Duration.ofMillis(20);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(5);
    /** Tries of one request whose FINISHED could not be delivered, before it is set aside. */
    static final int MAX_TRIES = 3;
    public static final String CONSUMER = "worker run consumer";

    private final Map<String, Object> settings;
    private final String topic;
    private final String workerId;
    private final TrialHandler handler;
    private final ExecutorService trials;
    private final Consumer<DeadLetter> deadLetters;
    private final Map<String, Integer> failures = new HashMap<>();
    private volatile boolean running;
    private volatile long lastPollMs;
    private volatile int assigned;
    private volatile boolean busy;
    private Thread loop;
    private KafkaConsumer<String, byte[]> consumer;

    public RunConsumer(String bootstrap, String workerId, TrialHandler handler) {
        this(bootstrap, workerId, handler, Topics.RUNS, Map.of(), letter -> { });
    }

    /** A consumer of {@code topic} whose Kafka settings are the worker's with {@code overrides} applied. */
    public RunConsumer(String bootstrap, String workerId, TrialHandler handler, String topic,
                       Map<String, Object> overrides, Consumer<DeadLetter> deadLetters) {
        Map<String, Object> kafka = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.CLIENT_ID_CONFIG, workerId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                // a new group must not skip runs published before the first worker joined
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // partitions the platform adds to the run topic (looplab.runs.partitions) are taken within seconds
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                // bytes, not text: a record that is not UTF-8 is set aside as it was
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        kafka.putAll(overrides);
        this.settings = Map.copyOf(kafka);
        this.topic = topic;
        this.workerId = workerId;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.trials = Executors.newSingleThreadExecutor(r -> new Thread(r, "looplab-trial"));
    }

    /** Starts the consumer loop on its own thread. */
    public synchronized void start() {
        if (loop != null) {
            throw new IllegalStateException("run consumer of worker " + workerId + " is already started");
        }
        running = true;
        loop = new Thread(this::consume, "looplab-run-consumer");
        loop.start();
    }

    /** Stops polling, kills a running trial without reporting it (its request is redelivered), and leaves the group. */
    @Override
    public synchronized void close() {
        running = false;
        trials.shutdownNow();
        if (loop != null) {
            try {
                loop.join(Duration.ofSeconds(30).toMillis());
                trials.awaitTermination(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void consume() {
        while (running) {
            try {
                consumeUntilStopped();
            } catch (RuntimeException e) {
                // a worker that silently stopped consuming would idle forever: start over with a fresh consumer
                LOG.errorf(e, "run consumer of worker %s failed; reconnecting in %d s", workerId,
                        RECONNECT_DELAY.toSeconds());
                try {
                    Thread.sleep(RECONNECT_DELAY.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** True while the consumer loop runs (it reconnects by itself after a failure). */
    public boolean isAlive() {
        return loop != null && loop.isAlive() && running;
    }

    /** When the consumer last polled the broker, in epoch milliseconds (0 before the first poll). */
    public long lastPollMs() {
        return lastPollMs;
    }

    /** How many partitions of the run topic this worker holds now (0 when more workers than partitions). */
    public int assignedPartitions() {
        return assigned;
    }

    /** True while a trial runs. */
    public boolean isBusy() {
        return busy;
    }

    private void consumeUntilStopped() {
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(settings)) {
            consumer = kafka;
            kafka.subscribe(List.of(topic), new PauseWhileBusy());
            LOG.infof("worker %s consuming %s as group %s from %s", workerId, topic,
                    settings.get(ConsumerConfig.GROUP_ID_CONFIG), settings.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
            while (running) {
                ConsumerRecords<String, byte[]> records = kafka.poll(IDLE_POLL);
                lastPollMs = System.currentTimeMillis();
                assigned = kafka.assignment().size();
                for (ConsumerRecord<String, byte[]> record : records) {
                    handle(record);
                    if (!running) {
                        break;
                    }
                }
            }
        } finally {
            consumer = null;
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        RunRequest request;
        try {
            String unusable = RecordChecks.unusable(record.value());
            if (unusable != null) {
                throw new IllegalArgumentException(unusable);
            }
            request = Json.read(new String(record.value(), StandardCharsets.UTF_8), RunRequest.class,
                    RunRequest.SCHEMA, RunRequest::schema);
            if (request.trialId() == null || request.trialId().isBlank()) {
                throw new IllegalArgumentException("trialId is missing: a run request names the trial to run");
            }
        } catch (RuntimeException e) {
            setAside(record, e.getMessage(), 0);
            return;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        busy = true;
        consumer.pause(consumer.assignment());
        try {
            Future<?> trial = trials.submit(() -> {
                handler.handle(request);
                return null;
            });
            while (running) {
                try {
                    // wait on the trial itself, so the next request is taken the moment it ends
                    trial.get(BUSY_POLL.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException stillRunning) {
                    ConsumerRecords<String, byte[]> stray = consumer.poll(GROUP_POLL);
                    lastPollMs = System.currentTimeMillis();
                    // paused partitions return nothing; anything else is a partition assigned mid-trial: read it later
                    stray.partitions().forEach(p -> consumer.seek(p, stray.records(p).get(0).offset()));
                }
            }
            if (!trial.isDone()) {
                trial.cancel(true);
                LOG.warnf("worker stopping: trial %s attempt %d abandoned; its run request will be redelivered",
                        request.trialId(), request.attempt());
                consumer.seek(partition, record.offset());
                return;
            }
            trial.get();
            failures.remove(where(record));
            commit(record);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException) {
                LOG.warnf("worker stopping: trial %s attempt %d abandoned; its run request will be redelivered",
                        request.trialId(), request.attempt());
                consumer.seek(partition, record.offset());
                return;
            }
            int tries = failures.merge(where(record), 1, Integer::sum);
            if (tries >= MAX_TRIES) {
                failures.remove(where(record));
                setAside(record, "trial " + request.trialId() + " attempt " + request.attempt() + " failed " + tries
                        + " times in the worker: " + e.getCause(), tries);
                return;
            }
            // FINISHED was not delivered: read the request again rather than lose the trial
            LOG.errorf(e.getCause(), "trial %s attempt %d not reported (try %d of %d); retrying from offset %d",
                    request.trialId(), request.attempt(), tries, MAX_TRIES, record.offset());
            consumer.seek(partition, record.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            consumer.resume(consumer.paused());
            busy = false;
        }
    }

    /** Logs the record once, hands it to the dead letters with its reason, and moves past it. */
    private void setAside(ConsumerRecord<String, byte[]> record, String reason, int tries) {
        LOG.errorf("%s: record %s set aside to %s: %s", CONSUMER, where(record), Topics.DEAD_LETTERS, reason);
        try {
            deadLetters.accept(DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(),
                    record.value(), CONSUMER + " " + workerId, reason, tries));
        } catch (RuntimeException e) {
            LOG.errorf("could not send the dead letter of %s (%s); it stays readable at that offset", where(record),
                    e.getMessage());
        }
        commit(record);
    }

    private static String where(ConsumerRecord<String, byte[]> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }

    private void commit(ConsumerRecord<String, byte[]> record) {
        try {
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)));
        } catch (KafkaException e) {
            // the partition moved to another worker mid-trial; the platform dedupes on trialId + attempt
            LOG.warnf("could not commit %s-%d offset %d (%s); the request may run again", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    /** Keeps partitions assigned during a trial paused, so one worker never runs two trials at once. */
    private final class PauseWhileBusy implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (busy) {
                consumer.pause(partitions);
            }
        }
    }
}
