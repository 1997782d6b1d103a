package dev.looplab.evaluation;

import java.nio.file.Path;

/**
 * Everything an evaluator needs after training: the trial's checkout ({@code recipeDir}),
 * what training wrote to {@code LOOPLAB_OUT} ({@code outDir}), how training ended, and a
 * scratch directory of its own.
 */
public record EvaluationRequest(
        Path recipeDir,
        Path outDir,
        Path scratchDir,
        int trainExitCode,
        boolean trainTimedOut,
        double trainSeconds,
        long seed) {
}
