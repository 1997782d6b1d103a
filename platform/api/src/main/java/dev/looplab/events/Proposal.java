package dev.looplab.events;

/**
 * A specialist's suggestion on {@code looplab.proposals}, keyed by campaign: edit the parent
 * trial's recipe by {@code diff} (unified format) because of {@code hypothesis}.
 */
public record Proposal(
        int schema,
        String proposalId,
        String campaign,
        String task,
        String specialist,
        String surface,
        String parentTrial,
        String hypothesis,
        Double expectedDelta,
        String diff,
        long proposedAtMs) {

    public static final int SCHEMA = 1;
}
