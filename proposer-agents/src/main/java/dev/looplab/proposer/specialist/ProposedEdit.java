package dev.looplab.proposer.specialist;

import java.util.Objects;

/**
 * A specialist's answer: the surface it edits, why ({@code hypothesis}, first line short), how much it expects
 * (score minus the parent's), and the unified diff to apply. A language model's edit also names the model and the
 * tokens it cost; {@code specialist} names who made it when another specialist filled the slot (a fallback).
 */
public record ProposedEdit(String specialist, String surface, String hypothesis, double expectedDelta, String diff,
                           String model, Long tokensIn, Long tokensOut) {
    public ProposedEdit {
        Objects.requireNonNull(specialist, "specialist");
        Objects.requireNonNull(surface, "surface");
        Objects.requireNonNull(hypothesis, "hypothesis");
        Objects.requireNonNull(diff, "diff");
        if (hypothesis.isBlank() || diff.isBlank()) {
            throw new IllegalArgumentException("a proposed edit needs a hypothesis and a non-empty diff");
        }
    }

    /** An edit by a built-in specialist. */
    public static ProposedEdit of(String specialist, String surface, String hypothesis, double expectedDelta,
                                  String diff) {
        return new ProposedEdit(specialist, surface, hypothesis, expectedDelta, diff, null, null, null);
    }
}
