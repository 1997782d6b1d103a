package dev.looplab.evaluation;

/** Trial statuses of DESIGN.md, spelled as they appear in Postgres, notes and events. */
public enum Status {
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
}
