package dev.looplab.worker.replay;

import dev.looplab.lineage.note.OutcomeNote;

import java.util.List;

/**
 * What a lineage recorded about one trial, read from a clone: its commit, its task (from the commit's task.yaml),
 * its outcome note (status, score, seed, environment fingerprint) and the scores of its task's baseline runs (the
 * root's outcome and the noise-floor runs on the root's replay note), which give the noise tolerance.
 */
public record RecordedTrial(String trialId, String commit, String task, OutcomeNote outcome,
                            List<Double> baselineScores) {

    public RecordedTrial {
        baselineScores = List.copyOf(baselineScores);
    }

    /** The training budget the original ran under ({@code budget_s} of its fingerprint); null when unrecorded. */
    public Integer budgetSeconds() {
        return wholeNumber("budget_s");
    }

    /** The recipe threads the original ran with ({@code threads}); null when unrecorded. */
    public Integer threads() {
        return wholeNumber("threads");
    }

    private Integer wholeNumber(String key) {
        String value = outcome.environment().get(key);
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
