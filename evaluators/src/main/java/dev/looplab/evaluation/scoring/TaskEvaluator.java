package dev.looplab.evaluation.scoring;

import java.util.Locale;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;

/**
 * What every evaluator of a task.yaml shares: its name, version and direction, the task's keep
 * threshold, and the wording of a training budget overrun.
 */
public abstract class TaskEvaluator implements Evaluator {
    private final TaskDefinition task;
    private final String name;
    private final String version;
    private final Direction direction;

    protected TaskEvaluator(TaskDefinition task, String name, String version, Direction direction) {
        this.task = task;
        this.name = name;
        this.version = version;
        this.direction = direction;
    }

    /** The task.yaml this evaluator judges. */
    public TaskDefinition definition() {
        return task;
    }

    @Override
    public String task() {
        return task.name();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public double keepThreshold() {
        return task.keepThreshold();
    }

    /**
     * Feedback for training stopped at its budget: {@code what} ran (for example "training"), the
     * budget, how long it ran, and {@code fix}, the knob to try.
     */
    protected final String trainBudgetOverrun(EvaluationRequest request, String what, String fix) {
        return String.format(Locale.ROOT, "%s took longer than the %d s budget (%.1f s) and was stopped: %s",
                what, task.trainBudgetSeconds(), request.trainSeconds(), fix);
    }
}
