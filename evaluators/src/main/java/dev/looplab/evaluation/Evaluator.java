package dev.looplab.evaluation;

import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;

import java.nio.file.Path;

/**
 * The trusted judge of one task: it owns the held-out data, hands training only the training
 * split, and computes the score itself from the trained artifact.
 */
public interface Evaluator {

    /** The task this evaluator judges, as named in task.yaml (for example {@code golf-mini}). */
    String task();

    String name();

    String version();

    Direction direction();

    /** Smallest improvement over the best that counts as a keep. */
    double keepThreshold();

    /** Writes the training split (never the held-out slice) into {@code dataDir}. */
    TrainingData prepareTrainingData(Path dataDir);

    /**
     * Files and folders holding this task's held-out data (or anything it is derived from): the
     * training sandbox hides them, so a recipe can never read what it will be judged on.
     */
    default java.util.List<Path> heldOutPaths() {
        return java.util.List.of();
    }

    /**
     * Settings of the task handed to the training process as environment variables (for example
     * how many independent runs the gate is measured over); never secrets.
     */
    default java.util.Map<String, String> trainingEnvironment() {
        return java.util.Map.of();
    }

    /** Measures a trained trial; never throws for a trial's fault, returns a failing status instead. */
    Measurement evaluate(EvaluationRequest request);

    /** The training data handed to a recipe and its fingerprint. */
    record TrainingData(Path path, String sha256, long bytes) {
    }
}
