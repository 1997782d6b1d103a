package dev.looplab.platform.replay;

import dev.looplab.trial.TrialStatus;

import dev.looplab.platform.trial.Trial;

/** A replay as the REST API and the CLI show it; {@code verdict} is null while it runs. */
public record ReplayView(String replayTrialId, String originalTrialId, TrialStatus status, String verdict,
                         Double originalScore, Double replayScore, Double tolerance, String detail,
                         String hypothesis) {

    static ReplayView of(Replay r, Trial replayTrial) {
        return new ReplayView(r.trialId, r.originalTrialId, replayTrial == null ? null : replayTrial.status,
                r.verdict, r.originalScore, r.replayScore, r.tolerance, r.detail,
                replayTrial == null ? null : replayTrial.hypothesis);
    }
}
