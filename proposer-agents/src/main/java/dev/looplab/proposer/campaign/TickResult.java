package dev.looplab.proposer.campaign;

/** What one tick of a campaign's driver did, for logs and tests. */
public enum TickResult {
    /** The platform does not know the campaign (any more). */
    NO_CAMPAIGN,
    /** The platform has no task for it (an imported history), so there is nothing to search. */
    NO_TASK,
    /** Paused by a researcher: nothing is proposed until it is resumed. */
    PAUSED,
    /** Stopped (by a researcher or a stop rule): nothing is proposed any more. */
    STOPPED,
    /** The baseline has no score yet, so there is nothing to improve on. */
    NO_BASELINE,
    /** Every slot of the campaign is taken by a trial in flight or a proposal not yet processed. */
    BUSY,
    /** The campaign's trial budget is spent by accepted and pending proposals. */
    BUDGET_SPENT,
    /** No specialist had an edit worth trying from the current best. */
    NOTHING_TO_PROPOSE,
    /** At least one proposal was published on looplab.proposals. */
    PROPOSED,
    /** The platform or Kafka failed; the next tick retries. */
    FAILED
}
