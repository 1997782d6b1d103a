package dev.looplab.worker.run;

import dev.looplab.evaluation.Evaluator;

import java.util.List;

/**
 * What the worker needs to know about a task: how its recipe runs ({@code runtime} with its
 * {@code entry} file, or a plain {@code command} for runtime {@code process}), its default training
 * budget and its trusted evaluator.
 */
public record TaskSetup(String task, String runtime, String entry, List<String> command, int trainBudgetSeconds,
                        Evaluator evaluator) {

    public static final String RUNTIME_DJL = "djl";
    public static final String RUNTIME_PROCESS = "process";

    public TaskSetup {
        command = command == null ? List.of() : List.copyOf(command);
    }
}
