package dev.looplab.evaluation;

import java.nio.file.Path;

/**
 * Everything an evaluator needs after training: the trial's checkout ({@code recipeDir}),
 * what training wrote to {@code LOOPLAB_OUT} ({@code outDir}), how training ended, a scratch
 * directory of its own, and the sandbox every process it starts from the trial's code must run in.
 */
public record EvaluationRequest(
        Path recipeDir,
        Path outDir,
        Path scratchDir,
        int trainExitCode,
        boolean trainTimedOut,
        double trainSeconds,
        long seed,
        ProcessSandbox sandbox) {

    public EvaluationRequest {
        sandbox = sandbox == null ? ProcessSandbox.NONE : sandbox;
    }

    /** A request whose scoring processes run unconfined (tests, trusted recipes). */
    public EvaluationRequest(Path recipeDir, Path outDir, Path scratchDir, int trainExitCode, boolean trainTimedOut,
                             double trainSeconds, long seed) {
        this(recipeDir, outDir, scratchDir, trainExitCode, trainTimedOut, trainSeconds, seed, ProcessSandbox.NONE);
    }
}
