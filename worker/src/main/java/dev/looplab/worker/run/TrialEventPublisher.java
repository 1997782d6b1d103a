package dev.looplab.worker.run;

import dev.looplab.events.Json;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sends {@link TrialEvent}s to {@code looplab.trial-events}, keyed by trial id. */
public final class TrialEventPublisher implements TrialEvents, AutoCloseable {
    private final KafkaProducer<String, String> producer;

    public TrialEventPublisher(String bootstrap, String clientId) {
        this(bootstrap, clientId, Map.of());
    }

    /** The same, with {@code login} (an external cluster's SASL settings) added to the producer's config. */
    public TrialEventPublisher(String bootstrap, String clientId, Map<String, Object> login) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId + "-events",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        config.putAll(login);
        this.producer = new KafkaProducer<>(config);
    }

    /** Sends without waiting; progress events may be lost without harm, the FINISHED one may not. */
    public Future<RecordMetadata> publish(TrialEvent event) {
        return producer.send(new ProducerRecord<>(Topics.TRIAL_EVENTS, event.trialId(), Json.write(event)));
    }

    @Override
    public void send(TrialEvent event) {
        publish(event);
    }

    @Override
    public void sendAndAwait(TrialEvent event, Duration timeout) throws InterruptedException {
        publishAndAwait(event, timeout);
    }

    /** Sends a set-aside record to {@code looplab.dead-letters} and waits for the broker. */
    public void publishDeadLetter(dev.looplab.events.DeadLetter letter) {
        try {
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, letter.topic(), Json.write(letter)))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new PublishException("dead letter of " + letter.topic() + "/" + letter.partition() + "@"
                    + letter.offset() + " not acknowledged: " + e.getMessage(), e);
        }
    }

    /** Sends and waits until the broker acknowledged the event. */
    public void publishAndAwait(TrialEvent event, Duration timeout) throws InterruptedException {
        try {
            publish(event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException("broker refused " + event.type() + " of trial " + event.trialId() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("no acknowledgement for " + event.type() + " of trial " + event.trialId()
                    + " within " + timeout.toSeconds() + " s: is Kafka reachable at looplab.kafka.bootstrap?", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** An event the broker did not acknowledge; the run request must be retried, not committed. */
    public static final class PublishException extends RuntimeException {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
