package dev.looplab.events;

/**
 * A specialist's suggestion on {@code looplab.proposals}, keyed by campaign: edit the parent
 * trial's recipe by {@code diff} (unified format) because of {@code hypothesis}. A proposal written by a
 * language model also names the {@code model} and the tokens its answer cost ({@code tokensIn},
 * {@code tokensOut}); all three are absent otherwise.
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
        long proposedAtMs,
        String model,
        Long tokensIn,
        Long tokensOut) {

    public static final int SCHEMA = 1;

    /** A proposal made without a language model. */
    public Proposal(int schema, String proposalId, String campaign, String task, String specialist, String surface,
                    String parentTrial, String hypothesis, Double expectedDelta, String diff, long proposedAtMs) {
        this(schema, proposalId, campaign, task, specialist, surface, parentTrial, hypothesis, expectedDelta, diff,
                proposedAtMs, null, null, null);
    }

    /** This proposal with another id (same content), for a sender that must name it. */
    public Proposal withProposalId(String id) {
        return new Proposal(schema, id, campaign, task, specialist, surface, parentTrial, hypothesis, expectedDelta,
                diff, proposedAtMs, model, tokensIn, tokensOut);
    }
}
