package dev.looplab.events;

/**
 * Asks a worker on {@code looplab.runs}, keyed by trial id, to train and evaluate one trial.
 * {@code lineageUrl} is anything JGit can fetch from (a path or an HTTP URL);
 * {@code commit} is the trial's commit id in that repository. {@code steps} (when positive) makes the
 * recipe train exactly that many steps instead of filling its budget, and {@code stopStep} (when
 * positive) stops it after that many: a replay repeats what the original run recorded.
 */
public record RunRequest(
        int schema,
        String trialId,
        int attempt,
        String campaign,
        String task,
        String lineageUrl,
        String commit,
        int trainBudgetSeconds,
        long seed,
        long requestedAtMs,
        int steps,
        int stopStep) {

    public static final int SCHEMA = 1;

    /** A run that fills its budget. */
    public RunRequest(int schema, String trialId, int attempt, String campaign, String task, String lineageUrl,
                      String commit, int trainBudgetSeconds, long seed, long requestedAtMs) {
        this(schema, trialId, attempt, campaign, task, lineageUrl, commit, trainBudgetSeconds, seed, requestedAtMs,
                0, 0);
    }
}
