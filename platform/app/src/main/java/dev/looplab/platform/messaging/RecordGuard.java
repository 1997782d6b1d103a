package dev.looplab.platform.messaging;

import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import dev.looplab.events.RecordChecks;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Makes sure no record stops a consumer: a record without a value, with bytes that are not UTF-8, empty, or
 * that does not decode goes to {@code looplab.dead-letters} with its reason at once; a record whose processing
 * fails is retried (with backoff while the failure is one a retry can cure, such as a database or broker that
 * is down), then dead-lettered. Each is logged once with topic, partition and offset and counted.
 */
@ApplicationScoped
public class RecordGuard {
    private static final Logger LOG = Logger.getLogger(RecordGuard.class);

    /** Tries of a record whose processing fails for a reason a retry is unlikely to cure. */
    static final int PERMANENT_TRIES = 3;
    /** How long a record is retried while its failure is transient (a service restarting). */
    static final Duration TRANSIENT_PATIENCE = Duration.ofMinutes(5);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

    @Inject
    DeadLetters deadLetters;
    @Inject
    MeterRegistry registry;

    /** Decodes and processes one record's text; throws to say it failed. */
    @FunctionalInterface
    public interface Handler {
        void handle(String payload) throws Exception;
    }

    /** Runs {@code handler} on the record's text, never letting a failure escape to the channel. */
    public void consume(String consumer, ConsumerRecord<String, byte[]> record, Handler handler) {
        String unusable = RecordChecks.unusable(record.value());
        if (unusable != null) {
            setAside(consumer, record, unusable, 0);
            return;
        }
        String payload = new String(record.value(), StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TRANSIENT_PATIENCE.toNanos();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(payload);
                return;
            } catch (Json.MalformedEventException e) {
                setAside(consumer, record, e.getMessage(), attempt);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while processing " + where(record), e);
            } catch (Exception e) {
                boolean transientFailure = Failures.isTransient(e);
                boolean more = transientFailure ? System.nanoTime() < deadline : attempt < PERMANENT_TRIES;
                registry.counter("looplab_records_retried_total", "topic", record.topic()).increment();
                if (!more) {
                    setAside(consumer, record, (transientFailure ? "still failing after " + TRANSIENT_PATIENCE
                            + " of retries: " : "failed " + attempt + " times: ") + Failures.describe(e), attempt);
                    return;
                }
                if (attempt == 1) {
                    LOG.warnf("%s: processing %s failed (%s); retrying%s", consumer, where(record),
                            Failures.describe(e), transientFailure ? " until it recovers" : "");
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void setAside(String consumer, ConsumerRecord<String, byte[]> record, String reason, int attempts) {
        LOG.errorf("%s: %s set aside to %s: %s", consumer, where(record), dev.looplab.events.Topics.DEAD_LETTERS,
                reason);
        registry.counter("looplab_dead_letters_total", "topic", record.topic(), "consumer", consumer).increment();
        deadLetters.publish(DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(),
                record.value(), consumer, reason, attempts));
    }

    private static String where(ConsumerRecord<String, byte[]> record) {
        return "record " + record.topic() + "/" + record.partition() + "@" + record.offset();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
