package dev.looplab.evaluation.registry;

import java.util.List;
import java.util.Map;
import java.util.HashMap;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.airbench.AirbenchMiniEvaluator;
import dev.looplab.evaluation.airbench.FashionMnist;
import dev.looplab.evaluation.golf.GolfMiniData;
import dev.looplab.evaluation.golf.GolfMiniEvaluator;
import dev.looplab.evaluation.noop.ExitCodeEvaluator;
import dev.looplab.evaluation.task.TaskDefinition;

/** The evaluator kinds by the name task.yaml's {@code evaluator:} uses; builds the one a task names. */
public final class EvaluatorRegistry {
    /** Every kind this build has, each reading its held-out data from where Debian installs it: add new kinds here. */
    private static final List<EvaluatorFactory> BUILT_IN = List.of(
            EvaluatorFactory.of(GolfMiniEvaluator.NAME, (task, settings) ->
                    new GolfMiniEvaluator(task, GolfMiniData::fromDebianFortunes, settings.threads())),
            EvaluatorFactory.of(AirbenchMiniEvaluator.NAME, (task, settings) ->
                    new AirbenchMiniEvaluator(task, FashionMnist::fromDebianDataset, settings.threads())),
            EvaluatorFactory.of(ExitCodeEvaluator.NAME, (task, settings) -> new ExitCodeEvaluator(task)));

    private final Map<String, EvaluatorFactory> byName;

    /** A registry of {@code factories}; two with one name are a programming error. */
    public EvaluatorRegistry(List<EvaluatorFactory> factories) {
        Map<String, EvaluatorFactory> map = new HashMap<>();
        for (EvaluatorFactory factory : factories) {
            if (map.putIfAbsent(factory.name(), factory) != null) {
                throw new IllegalArgumentException("two evaluator factories are named '" + factory.name() + "'");
            }
        }
        this.byName = Map.copyOf(map);
    }

    /** The evaluators this build of Looplab has. */
    public static EvaluatorRegistry builtIn() {
        return new EvaluatorRegistry(BUILT_IN);
    }

    /** The registered names, sorted. */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    /**
     * The evaluator {@code task} names.
     *
     * @throws TaskDefinition.InvalidTaskException naming the task.yaml, the unknown name and the known ones
     */
    public Evaluator create(TaskDefinition task, EvaluatorSettings settings) {
        EvaluatorFactory factory = byName.get(task.evaluator());
        if (factory == null) {
            throw new TaskDefinition.InvalidTaskException(task.taskDir().resolve(TaskDefinition.FILE_NAME)
                    + " names evaluator '" + task.evaluator() + "', which this build does not have; known evaluators are "
                    + names() + ": set evaluator: to one of them, or register the new kind in EvaluatorRegistry");
        }
        return factory.create(task, settings);
    }
}
