package dev.looplab.events;

/**
 * Asks a worker on {@code looplab.runs}, keyed by trial id, to train and evaluate one trial.
 * {@code lineageUrl} is anything JGit can fetch from (a path or an HTTP URL);
 * {@code commit} is the trial's commit id in that repository.
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
        long requestedAtMs) {

    public static final int SCHEMA = 1;
}
