package dev.looplab.worker.run;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.task.TaskDefinition.BudgetClock;

import java.util.List;

/**
 * What the worker needs to know about a task: how its recipe runs ({@code runtime} with its
 * {@code entry} file, or a plain {@code command} for runtime {@code process}), its default training
 * budget, the clock that budget is counted on and its trusted evaluator.
 */
public record TaskSetup(String task, String runtime, String entry, List<String> command, int trainBudgetSeconds,
                        Evaluator evaluator, BudgetClock budgetClock) {

    public static final String RUNTIME_DJL = "djl";
    public static final String RUNTIME_PROCESS = "process";

    public TaskSetup {
        command = command == null ? List.of() : List.copyOf(command);
        budgetClock = budgetClock == null ? BudgetClock.wall : budgetClock;
    }

    /** A task whose budget counts wall seconds. */
    public TaskSetup(String task, String runtime, String entry, List<String> command, int trainBudgetSeconds,
                     Evaluator evaluator) {
        this(task, runtime, entry, command, trainBudgetSeconds, evaluator, BudgetClock.wall);
    }
}
