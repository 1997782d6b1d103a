package dev.looplab.platform.messaging;

import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;

/**
 * Sends set-aside records to {@code looplab.dead-letters}, keyed by their source topic. When even that fails
 * (the broker is gone) the record is still in its source topic at the logged offset, so nothing is lost.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    @Channel("dead-letters")
    Emitter<Record<String, String>> emitter;

    public void publish(DeadLetter letter) {
        try {
            emitter.send(Record.of(letter.topic(), Json.write(letter))).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.errorf("could not send the dead letter of %s/%d@%d (%s); it stays readable at that offset",
                    letter.topic(), letter.partition(), letter.offset(), Failures.describe(e));
        }
    }
}
