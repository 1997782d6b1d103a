package dev.looplab.proposer.platform;

import dev.looplab.trial.TrialStatus;
import java.util.Map;

/**
 * One trial of a campaign's lineage ({@code GET /api/campaigns/{id}/lineage}): parent, proposer and surface, the
 * knob values it changed, status, score and deltas, and the evaluator's feedback.
 */
public record LineageRow(String trial, String parent, String specialist, String surface, String kind,
                         TrialStatus status, Double score, Double deltaVsParent, Double deltaVsBest,
                         Double expectedDelta, Map<String, KnobChange> knobs, String hypothesis, String feedback,
                         Long artifactBytes, Double trainSeconds, String model, Long tokensIn, Long tokensOut,
                         long createdAtMs, Long recordedAtMs) {

    public LineageRow {
        knobs = knobs == null ? Map.of() : Map.copyOf(knobs);
    }

    /** The task's root trial: the baseline recipe. */
    public boolean isRoot() {
        return parent == null || "root".equals(kind);
    }

    public boolean isRecorded() {
        return status != null && status.isFinal();
    }
}
