package dev.looplab.evaluation.registry;

/**
 * What the host (a worker) lets every evaluator it builds use.
 *
 * @param threads threads a scoring process may use, at least 1
 */
public record EvaluatorSettings(int threads) {

    public EvaluatorSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("evaluator threads must be >= 1, got " + threads);
        }
    }
}
