package dev.looplab.platform.campaign;

import dev.looplab.platform.trial.KnobChange;
import dev.looplab.trial.TrialStatus;

import java.util.Map;

/**
 * One trial of a campaign's lineage as a specialist reads it: where it hangs, who proposed it on which surface,
 * which knob values it changed, how it came out and what the evaluator said ({@code feedback}, shortened).
 */
public record LineageRow(String trial, String parent, String specialist, String surface, String kind,
                         TrialStatus status, Double score, Double deltaVsParent, Double deltaVsBest,
                         Double expectedDelta, Map<String, KnobChange> knobs, String hypothesis, String feedback,
                         Long artifactBytes, Double trainSeconds, String model, Long tokensIn, Long tokensOut,
                         long createdAtMs, Long recordedAtMs) {
}
