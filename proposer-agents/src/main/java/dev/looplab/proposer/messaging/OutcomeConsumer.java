package dev.looplab.proposer.messaging;

import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Topics;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads {@code looplab.outcomes} on a thread of its own and survives every record: a tombstone, an empty value,
 * bytes that are not UTF-8, JSON that is not an {@link OutcomeRecorded}, an unknown schema version or a value over
 * {@value #MAX_VALUE_BYTES} bytes is logged once with its topic, partition and offset, counted, copied with its
 * reason to {@code looplab.dead-letters}, and skipped. A valid outcome whose listener throws is retried
 * {@code looplab.proposer.outcomes.attempts} times with backoff, then dead-lettered. Nothing stops the loop but
 * shutdown.
 */
@ApplicationScoped
public class OutcomeConsumer {
    private static final Logger LOG = Logger.getLogger(OutcomeConsumer.class);
    public static final String CONSUMER = "proposer-agents";
    /** Outcomes are small; a larger value is a producer's bug, not something to parse. */
    public static final int MAX_VALUE_BYTES = 256 * 1024;
    static final Duration POLL = Duration.ofMillis(500);
    static final long LAG_EVERY_MS = 10_000;

    @Inject
    KafkaSettings settings;
    @Inject
    DeadLetters deadLetters;
    @Inject
    ProposerMetrics metrics;
    @Inject
    Instance<OutcomeListener> listeners;
    @ConfigProperty(name = "looplab.proposer.outcomes.attempts", defaultValue = "3")
    int attempts;
    @ConfigProperty(name = "looplab.proposer.outcomes.enabled", defaultValue = "true")
    boolean enabled;

    private volatile Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private volatile int assigned;
    private volatile long lastPollMs;
    private long lagAtMs;

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("the outcome consumer is off (looplab.proposer.outcomes.enabled=false)");
            return;
        }
        thread = new Thread(this::run, "looplab-outcomes");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True while the loop runs and polled in the last minute. */
    public boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive() && System.currentTimeMillis() - lastPollMs < 60_000;
    }

    /** Partitions of looplab.outcomes this consumer holds (0 before the group assigned any). */
    public int assignedPartitions() {
        return assigned;
    }

    private void run() {
        while (!stopping) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings.consumer(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                c.subscribe(List.of(Topics.OUTCOMES), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        assigned = 0;
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assigned = c.assignment().size();
                    }
                });
                while (!stopping) {
                    lastPollMs = System.currentTimeMillis();
                    var records = c.poll(POLL);
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        handle(r);
                    }
                    if (!records.isEmpty()) {
                        c.commitSync();
                    }
                    reportLag(c);
                }
            } catch (WakeupException e) {
                // shutdown
            } catch (RuntimeException e) {
                // the consumer itself failed (broker gone, group error): start over, never stop for good
                LOG.warnf("the outcome consumer failed (%s); starting it again in 2 s", e.toString());
                assigned = 0;
                sleep(2000);
            } finally {
                consumer = null;
            }
        }
    }

    /** Handles one record of any shape; never throws. */
    void handle(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        Optional<String> problem = Optional.empty();
        OutcomeRecorded outcome = null;
        byte[] value = r.value();
        if (value == null) {
            problem = Optional.of("null value (a tombstone): looplab.outcomes records always carry an OutcomeRecorded");
        } else if (value.length == 0) {
            problem = Optional.of("empty value");
        } else if (value.length > MAX_VALUE_BYTES) {
            problem = Optional.of("value of " + value.length + " bytes is over the " + MAX_VALUE_BYTES
                    + "-byte limit of an outcome");
        } else {
            Optional<String> text = utf8(value);
            if (text.isEmpty()) {
                problem = Optional.of("value is not UTF-8 text");
            } else {
                try {
                    outcome = Json.read(text.get(), OutcomeRecorded.class);
                    if (outcome == null) {
                        problem = Optional.of("value is JSON null");
                    } else if (outcome.schema() != OutcomeRecorded.SCHEMA) {
                        problem = Optional.of("unknown schema version " + outcome.schema() + " (this proposer reads "
                                + OutcomeRecorded.SCHEMA + ")");
                    } else if (outcome.campaign() == null || outcome.campaign().isBlank()) {
                        problem = Optional.of("outcome without a campaign");
                    }
                } catch (Json.MalformedEventException e) {
                    problem = Optional.of(e.getMessage());
                }
            }
        }
        if (problem.isPresent()) {
            deadLetter(r, key, kind(problem.get()), problem.get(), 0);
            return;
        }
        metrics.outcomeRead(outcome.status() == null ? "none" : outcome.status().name());
        for (int attempt = 1; ; attempt++) {
            try {
                for (OutcomeListener listener : listeners) {
                    listener.onOutcome(outcome);
                }
                return;
            } catch (Exception e) {
                if (attempt >= Math.max(1, attempts)) {
                    deadLetter(r, key, "processing", "processing failed " + attempt + " times: " + e, attempt);
                    return;
                }
                sleep(100L << Math.min(attempt, 6));
            }
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, String key, String kind, String reason, int tries) {
        LOG.warnf("dead-lettering %s-%d@%d (%s): %s", r.topic(), r.partition(), r.offset(), kind, reason);
        metrics.deadLetter(r.topic(), kind);
        deadLetters.publish(DeadLetter.of(r.topic(), r.partition(), r.offset(), key, r.value(), CONSUMER, reason, tries));
    }

    private static String kind(String reason) {
        if (reason.startsWith("null value")) {
            return "tombstone";
        }
        if (reason.startsWith("empty")) {
            return "empty";
        }
        if (reason.contains("-byte limit")) {
            return "too_large";
        }
        if (reason.startsWith("value is not UTF-8")) {
            return "not_text";
        }
        if (reason.startsWith("unknown schema")) {
            return "schema";
        }
        return "malformed";
    }

    private void reportLag(KafkaConsumer<byte[], byte[]> c) {
        long now = System.currentTimeMillis();
        if (now - lagAtMs < LAG_EVERY_MS || c.assignment().isEmpty()) {
            return;
        }
        lagAtMs = now;
        try {
            Map<TopicPartition, Long> ends = c.endOffsets(c.assignment(), Duration.ofSeconds(2));
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                lag += Math.max(0, e.getValue() - c.position(e.getKey(), Duration.ofSeconds(2)));
            }
            metrics.outcomeLag(lag);
        } catch (RuntimeException e) {
            LOG.debugf("cannot measure the outcome consumer's lag: %s", e.getMessage());
        }
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
