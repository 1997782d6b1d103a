package dev.looplab.lineage.importer;

import dev.looplab.trial.TrialStatus;

import java.time.Instant;
import java.util.Map;

/**
 * One imported experiment as recorded in the lineage; everything a database row of the trial needs.
 *
 * @param sourceId the experiment's id in the source (ARR exp_id, autoresearch commit)
 * @param line the line of the source's results.tsv it came from (0 for a root that the source lacks)
 * @param status the Looplab status; {@code sourceStatus} is the one the source wrote
 * @param metrics the source's task columns and the source status, numbers where they parse
 * @param codeKnown false when the commit holds only a note that the code is unknown
 * @param commitId the trial's commit in the lineage
 */
public record ImportedTrial(String trialId, String parentTrialId, String sourceId, int line, String specialist,
        String surface, String hypothesis, Double expectedDelta, TrialStatus status, String sourceStatus, Double score,
        Double deltaVsParent, Double deltaVsBest, Map<String, Object> metrics, Double trainSeconds, String feedback,
        boolean codeKnown, String commitId, Instant time) {
}
