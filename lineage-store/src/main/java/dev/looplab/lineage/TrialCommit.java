package dev.looplab.lineage;

/**
 * The commit that records one trial; {@code parentCommitId} is null for the root trial.
 *
 * @param trialId the trial id, also the name of {@code refs/heads/trial/<trialId>}
 * @param commitId full hex SHA-1 of the trial's commit
 * @param parentCommitId full hex SHA-1 of the parent trial's commit, or null for the root
 */
public record TrialCommit(String trialId, String commitId, String parentCommitId) {
}
