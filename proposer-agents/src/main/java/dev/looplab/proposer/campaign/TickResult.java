package dev.looplab.proposer.campaign;

/** What one tick of the campaign loop did, for logs and tests. */
public enum TickResult {
    /** The platform does not know the campaign yet. */
    NO_CAMPAIGN,
    /** The baseline has no score yet, so there is nothing to improve on. */
    NO_BASELINE,
    /** A proposal of ours is not processed yet. */
    WAITING_FOR_PLATFORM,
    /** The campaign already has as many trials in flight as its parallelism allows. */
    BUSY,
    /** No specialist had an edit worth trying from the current best. */
    NOTHING_TO_PROPOSE,
    /** A proposal was published on looplab.proposals. */
    PROPOSED,
    /** The platform or Kafka failed; the next tick retries. */
    FAILED
}
