package dev.looplab.lineage;

import dev.looplab.trial.TrialStatus;

/**
 * One row of the lineage tree: a trial, where it hangs and how it came out. {@code depth} is 0 for the root;
 * {@code status} and {@code score} come from the outcome note and are null until one is written (or when it
 * has no score).
 *
 * @param commitId full hex SHA-1 of the trial's commit
 */
public record TrialNode(String trialId, String commitId, String parentTrialId, int depth, String specialist,
        TrialStatus status, Double score) {
}
