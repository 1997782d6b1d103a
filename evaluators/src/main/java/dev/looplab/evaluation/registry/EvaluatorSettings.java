package dev.looplab.evaluation.registry;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.looplab.evaluation.python.PythonRuntime;
import dev.looplab.evaluation.python.TaskDataSetting;

/**
 * What the host (a worker) lets every evaluator it builds use.
 *
 * @param threads  threads a scoring process may use, at least 1
 * @param python   the python3 (with torch) the Python tasks' trusted scorers run with
 * @param home     a folder the evaluators own: the Python scoring package is extracted under {@code home/python}
 * @param devices  the GPUs the worker owns, as CUDA_VISIBLE_DEVICES; null on a CPU worker
 * @param taskData the tasks' data settings by {@code <task>.<key>} (for example {@code parameter-golf.data}), as
 *                 configured under {@code looplab.tasks.*}
 */
public record EvaluatorSettings(int threads, Path python, Path home, String devices, Map<String, String> taskData) {

    public EvaluatorSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("evaluator threads must be >= 1, got " + threads);
        }
        python = python == null ? PythonRuntime.DEBIAN_PYTHON : python;
        home = home == null ? Path.of(System.getProperty("java.io.tmpdir"), "looplab-evaluators") : home;
        devices = devices == null || devices.isBlank() ? null : devices.strip();
        taskData = taskData == null ? Map.of() : Map.copyOf(taskData);
    }

    /** Settings for CPU evaluators that read no configured data (golf-mini, airbench-mini, exit-code). */
    public EvaluatorSettings(int threads) {
        this(threads, null, null, null, Map.of());
    }

    /** The configured value of {@code looplab.tasks.<task>.<key>}, if any. */
    public Optional<String> taskData(String task, String key) {
        return Optional.ofNullable(taskData.get(task + "." + key));
    }

    /** The key of {@link #taskData} that holds {@code looplab.tasks.<task>.<key>}; see {@link TaskDataSetting}. */
    public static String taskDataKey(String task, String key) {
        return task + "." + key;
    }
}
