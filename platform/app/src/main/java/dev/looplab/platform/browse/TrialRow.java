package dev.looplab.platform.browse;

import dev.looplab.trial.TrialStatus;

import java.time.Instant;

/**
 * One trial as a row of the trials table: where it hangs, who proposed what, how it came out. {@code feedback} is
 * cut to its first {@value BrowseQueries#FEEDBACK_CHARS} characters; the trial page has it whole. {@code testScore}
 * is the score on the task's test slice, present only on a trial that became its campaign's best.
 */
public record TrialRow(String id, String parentTrialId, String specialist, String surface, String kind,
                       TrialStatus status, Double score, Double testScore, String direction, Double deltaVsParent, Double deltaVsBest,
                       String keepRule, String hypothesis, String reason, String feedback, Double trainSeconds,
                       Instant createdAt, Instant recordedAt) {
}
