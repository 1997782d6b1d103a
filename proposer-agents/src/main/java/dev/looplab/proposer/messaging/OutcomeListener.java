package dev.looplab.proposer.messaging;

import dev.looplab.events.OutcomeRecorded;

/** Told of every valid outcome on {@code looplab.outcomes}; an exception makes the consumer retry, then dead-letter. */
@FunctionalInterface
public interface OutcomeListener {
    void onOutcome(OutcomeRecorded outcome) throws Exception;
}
