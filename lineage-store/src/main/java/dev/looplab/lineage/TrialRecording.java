package dev.looplab.lineage;

import java.util.Objects;

/**
 * What {@link LineageStore#recordTrials} did with one spec: recorded it ({@code commit} set) or refused it
 * ({@code failure} set, and nothing of the trial was written).
 *
 * @param trialId the spec's trial id
 * @param commit the trial's commit (the existing one when the same trial was recorded before), or null
 * @param failure why the trial was not recorded: {@link DiffRejectedException}, {@link UnknownTrialException},
 *     {@link TrialConflictException}, or a {@link LineageIoException} when its ref could not be written; or null
 */
public record TrialRecording(String trialId, TrialCommit commit, LineageException failure) {

    public TrialRecording {
        Objects.requireNonNull(trialId, "trialId");
        if ((commit == null) == (failure == null)) {
            throw new IllegalArgumentException("trial " + trialId + " needs exactly one of a commit or a failure");
        }
    }

    static TrialRecording recorded(TrialCommit commit) {
        return new TrialRecording(commit.trialId(), commit, null);
    }

    static TrialRecording failed(String trialId, LineageException failure) {
        return new TrialRecording(trialId, null, failure);
    }

    /** True when the trial is in the lineage. */
    public boolean isRecorded() {
        return commit != null;
    }

    /** The commit, or the failure thrown as {@link LineageStore#recordTrial} would have thrown it. */
    public TrialCommit commitOrThrow() {
        if (failure != null) {
            throw failure;
        }
        return commit;
    }
}
