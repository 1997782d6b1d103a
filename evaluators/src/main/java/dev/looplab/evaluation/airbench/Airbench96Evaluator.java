package dev.looplab.evaluation.airbench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.looplab.evaluation.python.PythonRuntime;
import dev.looplab.evaluation.python.PythonTaskEvaluator;
import dev.looplab.evaluation.python.TaskDataSetting;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;

/**
 * Judges airbench96 with {@code looplab_eval.airbench}: the score is the training wallclock per run (lower is
 * better), valid only when the mean test accuracy of the task's {@code runs} models on the held-out
 * {@code test_batch.bin} of the configured CIFAR-10 folder reaches {@code gate_accuracy}; below it, gate_miss.
 */
public final class Airbench96Evaluator extends PythonTaskEvaluator {
    public static final String TASK = "airbench96";
    public static final String NAME = "airbench96-time";
    static final String MODULE = "airbench";

    private final Path cifar;

    /** @param cifar {@code looplab.tasks.airbench96.cifar}: the CIFAR-10 binary folder */
    public Airbench96Evaluator(TaskDefinition task, PythonRuntime python, TaskDataSetting cifar) {
        super(task, TASK, NAME, Direction.lower, MODULE, python);
        if (task.gateAccuracy() <= 0) {
            throw new TaskDefinition.InvalidTaskException(task.taskDir().resolve(TaskDefinition.FILE_NAME)
                    + ": airbench96 needs gate_accuracy, the mean test accuracy a trial must reach (e.g. 0.96)");
        }
        this.cifar = cifar.folder();
    }

    public static TaskDataSetting cifarSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "cifar", value, "the CIFAR-10 binary folder: data_batch_1.bin .. "
                + "data_batch_5.bin and test_batch.bin (cifar-10-batches-bin)");
    }

    /** The whole CIFAR-10 folder: the recipe gets the training batches from {@link #prepareTrainingData}. */
    @Override
    public List<Path> heldOutPaths() {
        return List.of(cifar);
    }

    /** How many independent models the recipe trains. */
    @Override
    public Map<String, String> trainingEnvironment() {
        return Map.of(AirbenchMiniEvaluator.RUNS_ENV, Integer.toString(definition().runs()));
    }

    @Override
    protected List<String> prepareArguments() {
        return List.of("--cifar", cifar.toString());
    }

    @Override
    protected List<String> scoreArguments() {
        return List.of("--cifar", cifar.toString(), "--runs", Integer.toString(definition().runs()),
                "--gate-accuracy", String.format(Locale.ROOT, "%s", definition().gateAccuracy()));
    }

    @Override
    protected List<Path> dataSources() {
        return List.of(cifar);
    }

    @Override
    protected String evalBudgetFix() {
        return "make the forward pass cheaper (narrower convs, a lower TTA_LEVEL)";
    }
}
