package dev.looplab.evaluation.registry;

import java.util.function.BiFunction;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.task.TaskDefinition;

/** Builds one kind of evaluator, the one a task.yaml names under {@code evaluator:}. */
public interface EvaluatorFactory {

    /** The name task.yaml's {@code evaluator:} uses, for example {@code golf-mini-bpb}. */
    String name();

    /** The evaluator of {@code task}; fails with a message naming task.yaml and the fix when the task does not fit. */
    Evaluator create(TaskDefinition task, EvaluatorSettings settings);

    /** A factory named {@code name} that builds with {@code create}. */
    static EvaluatorFactory of(String name, BiFunction<TaskDefinition, EvaluatorSettings, Evaluator> create) {
        return new EvaluatorFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Evaluator create(TaskDefinition task, EvaluatorSettings settings) {
                return create.apply(task, settings);
            }
        };
    }
}
