package dev.looplab.worker.run;

import dev.looplab.events.TrialEvent;

import java.time.Duration;

/**
 * Where {@link TrialRunner} reports an attempt: {@code looplab.trial-events} for a worker
 * ({@link TrialEventPublisher}), the console for a replay from a clone.
 */
public interface TrialEvents {

    /** Sends without waiting; progress events may be lost without harm. */
    void send(TrialEvent event);

    /** Sends and returns once the event is delivered: the FINISHED event may not be lost. */
    void sendAndAwait(TrialEvent event, Duration timeout) throws InterruptedException;
}
