package dev.looplab.platform.replay;

import dev.looplab.trial.TrialStatus;

import dev.looplab.platform.trial.Trial;

/**
 * A replay as the REST API and the CLI show it; {@code verdict} is null while it runs. {@code steps} is the step
 * count the replay trains (null when the original recorded none), so a client can show how far it has come.
 */
public record ReplayView(String replayTrialId, String originalTrialId, TrialStatus status, String verdict,
                         Double originalScore, Double replayScore, Double tolerance, String detail,
                         String hypothesis, Integer steps) {

    static ReplayView of(Replay r, Trial replayTrial) {
        return new ReplayView(r.trialId, r.originalTrialId, replayTrial == null ? null : replayTrial.status,
                r.verdict, r.originalScore, r.replayScore, r.tolerance, r.detail,
                replayTrial == null ? null : replayTrial.hypothesis, replayTrial == null ? null : steps(replayTrial));
    }

    private static Integer steps(Trial replayTrial) {
        return replayTrial.requestedStopStep != null ? replayTrial.requestedStopStep : replayTrial.requestedSteps;
    }
}
