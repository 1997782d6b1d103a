package dev.looplab.lineage.importer;

import dev.looplab.trial.TrialStatus;

import java.time.Instant;
import java.util.Map;

/**
 * One experiment as a source history tells it, before it becomes a Looplab trial.
 *
 * @param parentSourceId the parent experiment's source id; null only for the root
 * @param status the Looplab status the source status maps onto
 * @param raw every column of the source row, as written
 * @param files the experiment's recipe files, or null when its code is unknown
 * @param code where the files came from, or why they are unknown, in a phrase
 */
record SourceTrial(String sourceId, String parentSourceId, int line, String specialist, String surface,
        String hypothesis, Double expectedDelta, String sourceStatus, TrialStatus status, Double score,
        Map<String, Object> metrics, Map<String, String> raw, Double trainSeconds, Double deltaVsBest,
        String feedback, Instant time, Map<String, byte[]> files, String code) {
}
