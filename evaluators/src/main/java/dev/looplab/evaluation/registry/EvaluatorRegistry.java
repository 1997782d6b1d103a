package dev.looplab.evaluation.registry;

import java.util.List;
import java.util.Map;
import java.util.HashMap;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.airbench.Airbench96Evaluator;
import dev.looplab.evaluation.airbench.AirbenchMiniEvaluator;
import dev.looplab.evaluation.airbench.FashionMnist;
import dev.looplab.evaluation.golf.GolfMiniData;
import dev.looplab.evaluation.golf.GolfMiniEvaluator;
import dev.looplab.evaluation.golf.ParameterGolfEvaluator;
import dev.looplab.evaluation.nanochat.NanochatEvaluator;
import dev.looplab.evaluation.noop.ExitCodeEvaluator;
import dev.looplab.evaluation.python.LooplabEvalPackage;
import dev.looplab.evaluation.python.PythonRuntime;
import dev.looplab.evaluation.task.TaskDefinition;

/** The evaluator kinds by the name task.yaml's {@code evaluator:} uses; builds the one a task names. */
public final class EvaluatorRegistry {
    /**
     * Every kind this build has: the CPU tasks read their held-out data from where Debian installs it, the GPU tasks
     * from their {@code looplab.tasks.<task>.*} settings. Add new kinds here.
     */
    private static final List<EvaluatorFactory> BUILT_IN = List.of(
            EvaluatorFactory.of(GolfMiniEvaluator.NAME, (task, settings) ->
                    new GolfMiniEvaluator(task, GolfMiniData::fromDebianFortunes, settings.threads())),
            EvaluatorFactory.of(AirbenchMiniEvaluator.NAME, (task, settings) ->
                    new AirbenchMiniEvaluator(task, FashionMnist::fromDebianDataset, settings.threads())),
            EvaluatorFactory.of(ExitCodeEvaluator.NAME, (task, settings) -> new ExitCodeEvaluator(task)),
            EvaluatorFactory.of(ParameterGolfEvaluator.NAME, (task, settings) -> new ParameterGolfEvaluator(task,
                    python(settings),
                    ParameterGolfEvaluator.dataSetting(settings.taskData(ParameterGolfEvaluator.TASK, "data")),
                    ParameterGolfEvaluator.tokenizerSetting(settings.taskData(ParameterGolfEvaluator.TASK, "tokenizer")),
                    ParameterGolfEvaluator.maxEvalTokensSetting(
                            settings.taskData(ParameterGolfEvaluator.TASK, "max-eval-tokens")))),
            EvaluatorFactory.of(NanochatEvaluator.NAME, (task, settings) -> new NanochatEvaluator(task, python(settings),
                    NanochatEvaluator.textSetting(settings.taskData(NanochatEvaluator.TASK, "text")),
                    NanochatEvaluator.bundleSetting(settings.taskData(NanochatEvaluator.TASK, "bundle")),
                    NanochatEvaluator.tokenizerSetting(settings.taskData(NanochatEvaluator.TASK, "tokenizer")),
                    NanochatEvaluator.maxPerTaskSetting(settings.taskData(NanochatEvaluator.TASK, "max-per-task")))),
            EvaluatorFactory.of(Airbench96Evaluator.NAME, (task, settings) -> new Airbench96Evaluator(task,
                    python(settings), Airbench96Evaluator.cifarSetting(settings.taskData(Airbench96Evaluator.TASK,
                    "cifar")))));

    private final Map<String, EvaluatorFactory> byName;

    /** How the Python tasks' scorers run on this host: the package is extracted (or found intact) on every call. */
    private static PythonRuntime python(EvaluatorSettings settings) {
        return new PythonRuntime(settings.python(), LooplabEvalPackage.extract(settings.home().resolve("python")),
                settings.threads(), settings.devices());
    }

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
