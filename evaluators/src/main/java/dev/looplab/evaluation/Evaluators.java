package dev.looplab.evaluation;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Finds the evaluator of a task by name. */
public final class Evaluators {
    private final Map<String, Evaluator> byTask;

    public Evaluators(List<Evaluator> evaluators) {
        this.byTask = evaluators.stream().collect(Collectors.toMap(Evaluator::task, Function.identity()));
    }

    /** @throws UnknownTaskException naming the task and the ones that exist */
    public Evaluator forTask(String task) {
        Evaluator evaluator = byTask.get(task);
        if (evaluator == null) {
            throw new UnknownTaskException(task, byTask.keySet());
        }
        return evaluator;
    }

    /** A task name nobody declared. */
    public static final class UnknownTaskException extends RuntimeException {
        public UnknownTaskException(String task, java.util.Collection<String> known) {
            super("unknown task '" + task + "': known tasks are " + known.stream().sorted().toList()
                    + "; add recipes/" + task + "/task.yaml or pick one of those");
        }
    }
}
