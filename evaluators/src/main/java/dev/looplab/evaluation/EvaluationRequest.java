package dev.looplab.evaluation;

import java.nio.file.Path;

/**
 * Everything an evaluator needs after training: the trial's checkout ({@code recipeDir}),
 * what training wrote to {@code LOOPLAB_OUT} ({@code outDir}), how training ended, a scratch
 * directory of its own, the sandbox every process it starts from the trial's code must run in,
 * and the training budget the run had ({@code trainBudgetSeconds}; 0: the task's own).
 */
public record EvaluationRequest(
        Path recipeDir,
        Path outDir,
        Path scratchDir,
        int trainExitCode,
        boolean trainTimedOut,
        double trainSeconds,
        long seed,
        ProcessSandbox sandbox,
        int trainBudgetSeconds) {

    public EvaluationRequest {
        sandbox = sandbox == null ? ProcessSandbox.NONE : sandbox;
        if (trainBudgetSeconds < 0) {
            throw new IllegalArgumentException("trainBudgetSeconds must be >= 0 (0: the task's), got "
                    + trainBudgetSeconds);
        }
    }

    /** A request for a run under the task's own training budget. */
    public EvaluationRequest(Path recipeDir, Path outDir, Path scratchDir, int trainExitCode, boolean trainTimedOut,
                             double trainSeconds, long seed, ProcessSandbox sandbox) {
        this(recipeDir, outDir, scratchDir, trainExitCode, trainTimedOut, trainSeconds, seed, sandbox, 0);
    }

    /** A request whose scoring processes run unconfined (tests, trusted recipes). */
    public EvaluationRequest(Path recipeDir, Path outDir, Path scratchDir, int trainExitCode, boolean trainTimedOut,
                             double trainSeconds, long seed) {
        this(recipeDir, outDir, scratchDir, trainExitCode, trainTimedOut, trainSeconds, seed, ProcessSandbox.NONE);
    }
}
