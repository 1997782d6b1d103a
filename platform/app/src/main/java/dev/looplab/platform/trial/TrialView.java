package dev.looplab.platform.trial;

import dev.looplab.trial.TrialStatus;


import java.time.Instant;
import java.util.List;

/**
 * A trial as the REST API and the UI show it; {@code testScore} (the score on the task's test slice) is there only
 * for a trial that became its campaign's best.
 */
public record TrialView(String id, String proposalId, String campaign, String task, String parentTrialId,
                        String specialist, String surface, String hypothesis, Double expectedDelta,
                        String commitId, TrialStatus status, String reason, Double score, Double testScore,
                        String direction,
                        Double deltaVsParent, Double deltaVsBest, String feedback, String metricsJson,
                        Double trainSeconds, Double evalSeconds, Long artifactBytes, Integer attempt,
                        String worker, Instant createdAt, Instant recordedAt, List<ArtifactView> artifacts,
                        String kind, String replayOf, String keepRule, Long seed, Integer trainBudgetSeconds,
                        String environmentJson, java.util.Map<String, KnobChange> knobChanges, String model,
                        Long tokensIn, Long tokensOut) {

    /** A stored file of the trial. */
    public record ArtifactView(String name, String key, long sizeBytes, String sha256) {
        static ArtifactView of(Artifact a) {
            return new ArtifactView(a.name, a.objectKey, a.sizeBytes, a.sha256);
        }
    }

    public static TrialView of(Trial t, List<Artifact> artifacts) {
        return new TrialView(t.id, t.proposalId, t.campaignId, t.task, t.parentTrialId, t.specialist, t.surface,
                t.hypothesis, t.expectedDelta, t.commitId, t.status, t.reason, t.score, t.testScore, t.direction,
                t.deltaVsParent, t.deltaVsBest, t.feedback, t.metricsJson, t.trainSeconds, t.evalSeconds,
                t.artifactBytes, t.attempt, t.worker, t.createdAt, t.recordedAt,
                artifacts.stream().map(ArtifactView::of).toList(),
                t.kind, t.replayOf, t.keepRule, t.seed, t.trainBudgetSeconds, t.environmentJson, t.knobChanges(),
                t.model, t.tokensIn, t.tokensOut);
    }
}
