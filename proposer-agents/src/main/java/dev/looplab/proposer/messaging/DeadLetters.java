package dev.looplab.proposer.messaging;

import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import dev.looplab.events.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/** Copies records the proposer could not process to {@code looplab.dead-letters}, keyed by their source topic. */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    KafkaSettings settings;

    private KafkaProducer<String, String> producer;

    /** Publishes the dead letter; a failure is logged, never thrown: the consumer moves on either way. */
    public void publish(DeadLetter letter) {
        try {
            producer().send(new ProducerRecord<>(Topics.DEAD_LETTERS, letter.topic(), Json.write(letter)))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.errorf("could not publish the dead letter of %s-%d@%d to %s (%s); the record is skipped, its reason: %s",
                    letter.topic(), letter.partition(), letter.offset(), Topics.DEAD_LETTERS, e, letter.reason());
        }
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(settings.producer(), new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
