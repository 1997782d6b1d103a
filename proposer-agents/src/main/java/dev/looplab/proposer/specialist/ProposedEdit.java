package dev.looplab.proposer.specialist;

import java.util.Objects;

/** A specialist's answer: why ({@code hypothesis}), how much it expects, and the unified diff to apply. */
public record ProposedEdit(String hypothesis, double expectedDelta, String diff) {
    public ProposedEdit {
        Objects.requireNonNull(hypothesis, "hypothesis");
        Objects.requireNonNull(diff, "diff");
        if (hypothesis.isBlank() || diff.isBlank()) {
            throw new IllegalArgumentException("a proposed edit needs a hypothesis and a non-empty diff");
        }
    }
}
