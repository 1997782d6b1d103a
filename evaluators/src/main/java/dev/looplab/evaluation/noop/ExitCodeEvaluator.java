package dev.looplab.evaluation.noop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import dev.looplab.trial.Direction;
import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.evaluation.task.TaskDefinition;

/**
 * Judges a process task by its exit code alone: 0 scores 0.0, anything else is a crash. It reads no
 * data and starts no scoring process, for tasks whose only question is whether the command ran (the
 * scheduling benchmark's no-op trials); it says nothing about the quality of a model.
 */
public final class ExitCodeEvaluator implements Evaluator {
    public static final String NAME = "exit-code";
    public static final String VERSION = "1.0.0";
    /** The (empty) training file handed to the recipe as {@code LOOPLAB_DATA}. */
    public static final String TRAIN_FILE = "no-data";
    /** sha256 of zero bytes: the training file is empty. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final TaskDefinition task;

    public ExitCodeEvaluator(TaskDefinition task) {
        if (!NAME.equals(task.evaluator())) {
            throw new IllegalArgumentException("task " + task.name() + " names evaluator " + task.evaluator() + ", not "
                    + NAME);
        }
        if (task.runtime() != TaskDefinition.Runtime.process) {
            throw new TaskDefinition.InvalidTaskException(task.taskDir().resolve(TaskDefinition.FILE_NAME)
                    + ": evaluator " + NAME + " judges only runtime: process tasks (a command whose exit code is the "
                    + "result); use runtime: process with command: [...] or another evaluator");
        }
        this.task = task;
    }

    @Override
    public String task() {
        return task.name();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public Direction direction() {
        return Direction.lower;
    }

    @Override
    public double keepThreshold() {
        return task.keepThreshold();
    }

    @Override
    public TrainingData prepareTrainingData(Path dataDir) {
        Path file = dataDir.resolve(TRAIN_FILE);
        try {
            Files.write(file, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new TrainingData(file, EMPTY_SHA256, 0);
    }

    @Override
    public Measurement evaluate(EvaluationRequest request) {
        if (request.trainTimedOut()) {
            return failed(request, TrialStatus.train_budget_overrun, String.format(Locale.ROOT,
                    "the command ran longer than the %d s budget (%.1f s) and was stopped: make it finish sooner or "
                            + "raise train_budget_seconds", task.trainBudgetSeconds(), request.trainSeconds()));
        }
        if (request.trainExitCode() != 0) {
            return failed(request, TrialStatus.crash, "the command exited with code " + request.trainExitCode()
                    + ": this task counts only exit code 0 as a success");
        }
        return new Measurement(TrialStatus.scored, 0.0, Direction.lower, Map.of("exit_code", 0.0), request.trainSeconds(),
                0, 0, request.seed(), NAME, VERSION, EMPTY_SHA256, "the command exited with code 0");
    }

    private Measurement failed(EvaluationRequest request, TrialStatus status, String feedback) {
        return new Measurement(status, null, Direction.lower, Map.of("exit_code", (double) request.trainExitCode()),
                request.trainSeconds(), 0, 0, request.seed(), NAME, VERSION, EMPTY_SHA256, feedback);
    }
}
