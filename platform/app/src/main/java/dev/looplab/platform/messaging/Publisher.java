package dev.looplab.platform.messaging;

import dev.looplab.events.Json;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.RunRequest;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Sends the platform's records and waits for the broker's acknowledgement, so a send is never silently lost. */
@ApplicationScoped
public class Publisher {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    @Channel("runs")
    Emitter<Record<String, String>> runs;

    @Inject
    @Channel("outcomes")
    Emitter<Record<String, String>> outcomes;

    @Inject
    LiveUpdates live;

    public void requestRun(RunRequest request) {
        await(runs.send(Record.of(request.trialId(), Json.write(request))));
    }

    /** Sends the run request to one partition of the run topic (a partition its worker owns), keyed by trial. */
    public void requestRun(RunRequest request, int partition) {
        java.util.concurrent.CompletableFuture<Void> ack = new java.util.concurrent.CompletableFuture<>();
        runs.send(Message.of(Record.of(request.trialId(), Json.write(request)),
                Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(request.trialId())
                        .withPartition(partition).build()),
                () -> {
                    ack.complete(null);
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                },
                failure -> {
                    ack.completeExceptionally(failure);
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }));
        await(ack);
    }

    public void announceOutcome(OutcomeRecorded outcome) {
        await(outcomes.send(Record.of(outcome.campaign(), Json.write(outcome))));
        live.trialChanged(outcome.trialId(), outcome.status());
    }

    private static void await(java.util.concurrent.CompletionStage<Void> ack) {
        try {
            ack.toCompletableFuture().get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to acknowledge", e);
        } catch (Exception e) {
            throw new NotAcknowledgedException("Kafka did not acknowledge a send within " + ACK_TIMEOUT
                    + ": is the broker in kafka.bootstrap.servers reachable?", e);
        }
    }

    /** The broker did not take a record; sending it again later may work. */
    public static final class NotAcknowledgedException extends RuntimeException {
        NotAcknowledgedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
