package dev.looplab.events;

import java.util.List;

/** Names of the Kafka topics that connect Looplab's services; see docs/events.md. */
public final class Topics {
    public static final String PROPOSALS = "looplab.proposals";
    public static final String RUNS = "looplab.runs";
    public static final String TRIAL_EVENTS = "looplab.trial-events";
    public static final String OUTCOMES = "looplab.outcomes";
    /** Records a consumer could not process, with the reason ({@link DeadLetter}); no record stops a consumer. */
    public static final String DEAD_LETTERS = "looplab.dead-letters";

    public static final List<String> ALL = List.of(PROPOSALS, RUNS, TRIAL_EVENTS, OUTCOMES, DEAD_LETTERS);

    private Topics() {
    }
}
