package dev.looplab.proposer.messaging;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.events.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes proposals on {@code looplab.proposals}, keyed by campaign, and waits for Kafka's acknowledgement. */
@ApplicationScoped
public class ProposalPublisher {
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    KafkaSettings settings;

    private KafkaProducer<String, String> producer;

    /** Sends {@code proposal}; throws {@link NotSentException} when Kafka did not take it (the caller resends later). */
    public void send(Proposal proposal) {
        try {
            producer().send(new ProducerRecord<>(Topics.PROPOSALS, proposal.campaign(), Json.write(proposal)))
                    .get(ACK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new NotSentException("proposal " + proposal.proposalId() + " was not acknowledged by Kafka at "
                    + settings.bootstrap() + " (" + (e.getCause() != null ? e.getCause() : e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotSentException("interrupted while sending proposal " + proposal.proposalId(), e);
        }
    }

    synchronized KafkaProducer<String, String> producer() {
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

    /** Kafka did not take a proposal; it stays pending and is resent later. */
    public static final class NotSentException extends RuntimeException {
        NotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
