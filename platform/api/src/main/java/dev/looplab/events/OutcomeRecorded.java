package dev.looplab.events;

import dev.looplab.trial.TrialStatus;

/**
 * What the platform recorded for a proposal, on {@code looplab.outcomes}, keyed by campaign.
 * A refused proposal has no {@code trialId} (unknown task or parent) or a trial with status
 * {@code preflight_reject}; {@code feedback} then says why.
 */
public record OutcomeRecorded(
        int schema,
        String proposalId,
        String trialId,
        String campaign,
        String task,
        String specialist,
        String parentTrial,
        TrialStatus status,
        Double score,
        Double deltaVsParent,
        Double deltaVsBest,
        String bestTrialId,
        Double bestScore,
        String feedback,
        long recordedAtMs) {

    public static final int SCHEMA = 1;
}
