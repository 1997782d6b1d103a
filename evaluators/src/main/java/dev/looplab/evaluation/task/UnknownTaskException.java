package dev.looplab.evaluation.task;

import java.util.Collection;

/** A task name nobody declared in a {@code recipes/<task>/task.yaml}. */
public final class UnknownTaskException extends RuntimeException {
    public UnknownTaskException(String task, Collection<String> known) {
        super("unknown task '" + task + "': known tasks are " + known.stream().sorted().toList()
                + "; add recipes/" + task + "/task.yaml or pick one of those");
    }
}
