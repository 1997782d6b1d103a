package dev.looplab.evaluation.noop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.scoring.TaskEvaluator;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;

/**
 * Judges a process task by its exit code alone: 0 scores 0.0, anything else is a crash. It reads no
 * data and starts no scoring process, for tasks whose only question is whether the command ran (the
 * scheduling benchmark's no-op trials); it says nothing about the quality of a model.
 */
public final class ExitCodeEvaluator extends TaskEvaluator {
    public static final String NAME = "exit-code";
    public static final String VERSION = "1.0.0";
    /** The (empty) training file handed to the recipe as {@code LOOPLAB_DATA}. */
    public static final String TRAIN_FILE = "no-data";
    /** sha256 of zero bytes: the training file is empty. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public ExitCodeEvaluator(TaskDefinition task) {
        super(task, NAME, VERSION, Direction.lower);
        if (!NAME.equals(task.evaluator())) {
            throw new IllegalArgumentException("task " + task.name() + " names evaluator " + task.evaluator() + ", not "
                    + NAME);
        }
        if (task.runtime() != TaskDefinition.Runtime.process) {
            throw new TaskDefinition.InvalidTaskException(task.taskDir().resolve(TaskDefinition.FILE_NAME)
                    + ": evaluator " + NAME + " judges only runtime: process tasks (a command whose exit code is the "
                    + "result); use runtime: process with command: [...] or another evaluator");
        }
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
            return measurement(request, TrialStatus.train_budget_overrun, null, trainBudgetOverrun(request,
                    "the command", "make it finish sooner or raise train_budget_seconds"));
        }
        if (request.trainExitCode() != 0) {
            return measurement(request, TrialStatus.crash, null, "the command exited with code "
                    + request.trainExitCode() + ": this task counts only exit code 0 as a success");
        }
        return measurement(request, TrialStatus.scored, 0.0, "the command exited with code 0");
    }

    /** No scoring process ran: no eval time, no artifact, the exit code as the one metric. */
    private Measurement measurement(EvaluationRequest request, TrialStatus status, Double score, String feedback) {
        return new Measurement(status, score, direction(), Map.of("exit_code", (double) request.trainExitCode()),
                request.trainSeconds(), 0, 0, request.seed(), NAME, VERSION, EMPTY_SHA256, feedback);
    }
}
