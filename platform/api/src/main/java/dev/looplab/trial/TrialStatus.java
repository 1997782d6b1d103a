package dev.looplab.trial;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every state a trial or a measurement can be in, spelled as stored in Postgres, notes, events and the UI:
 * first in flight (queued, running, evaluating), then the final outcomes of DESIGN.md. {@link #scored} is
 * only ever a measurement's status: keep or discard replaces it when the trial is recorded.
 */
public enum TrialStatus {
    /** Accepted and waiting for a worker. */
    queued,
    /** A worker is training it. */
    running,
    /** Training ended; the evaluator is scoring it. */
    evaluating,
    /** Scored and better than the best by more than the noise rule. */
    keep,
    /** Scored, not better than the best. */
    discard,
    /** Training or scoring failed. */
    crash,
    /** Refused before any compute: the diff does not apply or breaks a rule. */
    preflight_reject,
    /** The artifact exceeds the task's size cap. */
    size_blocked,
    train_budget_overrun,
    eval_budget_overrun,
    /** Disqualified: below the task's quality gate. */
    gate_miss,
    /** A legality probe failed (for example the model peeks at later bytes). */
    illegal,
    /** Every worker that took the trial died before reporting. */
    worker_lost,
    /** Measured by the evaluator, not yet compared with the best (keep or discard follows). */
    scored;

    /** True when the outcome carries a score that can be compared with the best. */
    public boolean isScored() {
        return this == keep || this == discard || this == scored;
    }

    /** True while a trial waits or runs: nothing is recorded for it yet. */
    public boolean isInFlight() {
        return this == queued || this == running || this == evaluating;
    }

    /** True for a recorded outcome: the trial never changes again. */
    public boolean isFinal() {
        return !isInFlight() && this != scored;
    }

    /** Failed statuses: no score worth comparing, the feedback says why. */
    public boolean isFailure() {
        return isFinal() && !isScored();
    }

    /** Every status a recorded trial can have, in declaration order. */
    public static List<TrialStatus> finals() {
        return Arrays.stream(values()).filter(TrialStatus::isFinal).toList();
    }

    /** The status of this name, empty for a name no status has (a hand-written note, an older tool). */
    public static Optional<TrialStatus> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (TrialStatus status : values()) {
            if (status.name().equals(name)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
