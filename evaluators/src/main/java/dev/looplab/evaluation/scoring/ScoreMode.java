package dev.looplab.evaluation.scoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.runtime.djl.DjlRuntime;

/**
 * How a task's scoring process starts: its command line, the environment it adds, and the paths it
 * may read besides the recipe and the artifacts (for example a scoring module's own code).
 */
public record ScoreMode(List<String> command, Map<String, String> environment, List<Path> readOnly) {

    public ScoreMode {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("a score mode needs a command line");
        }
        command = List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
    }

    /**
     * A DJL recipe's own score mode, {@code java <recipe JVM options> -cp <DJL> <entry> score <outDir>},
     * with the environment that keeps PyTorch's numbers reproducible.
     */
    public static ScoreMode djlRecipe(TaskDefinition task, EvaluationRequest request) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(DjlRuntime.JVM_OPTIONS);
        command.addAll(List.of("-cp", DjlRuntime.classpathString(), task.entry(), "score",
                request.outDir().toAbsolutePath().toString()));
        return new ScoreMode(command, DjlRuntime.ENVIRONMENT, List.of());
    }
}
