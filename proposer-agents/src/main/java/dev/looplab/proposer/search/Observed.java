package dev.looplab.proposer.search;

import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.trial.TrialStatus;
import java.util.Locale;
import java.util.Map;

/**
 * A trial as the search learns from it: its whole knob configuration (rebuilt from the root's recipe and the knob
 * changes along its chain), what it changed, how it came out, and its gain over its parent in the direction of the
 * task (positive is better).
 */
public record Observed(String trial, String parent, String specialist, String surface, TrialStatus status,
                       Double score, Double gain, Map<String, String> config, Map<String, KnobChange> changes,
                       Long artifactBytes, String feedback, int order) {

    /** Scored and compared with its parent: the search's evidence. */
    public boolean hasGain() {
        return gain != null && status != null && status.isScored();
    }

    /**
     * Failed because of what the recipe did: crash (a NaN included), size cap, budgets, gate, legality. A lost
     * worker or a refused proposal says nothing about the recipe.
     */
    public boolean failed() {
        return status != null && status.isFailure() && status != TrialStatus.worker_lost
                && status != TrialStatus.preflight_reject;
    }

    /** How it failed, in words ("crashed with NaN", "was size_blocked"). */
    public String failure() {
        if (status == TrialStatus.crash && feedback != null
                && feedback.toLowerCase(Locale.ROOT).matches("(?s).*\\b(nan|diverged|inf)\\b.*")) {
            return "diverged (NaN)";
        }
        return status == TrialStatus.crash ? "crashed" : "was " + status;
    }

    public boolean changed(String knob) {
        return changes.containsKey(knob);
    }
}
