package dev.looplab.evaluation.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;


/** The tasks found under a recipes folder ({@code recipes/<task>/task.yaml}), by name. */
public final class TaskCatalog {
    private final Path recipesDir;
    private final Map<String, TaskDefinition> byName;

    private TaskCatalog(Path recipesDir, Map<String, TaskDefinition> byName) {
        this.recipesDir = recipesDir;
        this.byName = byName;
    }

    /** Loads every {@code <dir>/task.yaml} one level below {@code recipesDir}. */
    public static TaskCatalog scan(Path recipesDir) {
        if (!Files.isDirectory(recipesDir)) {
            throw new IllegalArgumentException("recipes folder " + recipesDir.toAbsolutePath()
                    + " does not exist: point looplab at the checkout's recipes/ folder");
        }
        Map<String, TaskDefinition> tasks = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(recipesDir)) {
            for (Path dir : dirs.sorted().toList()) {
                if (!Files.isRegularFile(dir.resolve(TaskDefinition.FILE_NAME))) {
                    continue;
                }
                TaskDefinition task = TaskDefinition.load(dir);
                TaskDefinition clash = tasks.put(task.name(), task);
                if (clash != null) {
                    throw new TaskDefinition.InvalidTaskException("task name '" + task.name() + "' is declared twice, in "
                            + clash.taskDir() + " and " + task.taskDir() + ": rename one");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + recipesDir, e);
        }
        return new TaskCatalog(recipesDir.toAbsolutePath().normalize(), Map.copyOf(tasks));
    }

    /** @throws UnknownTaskException naming the task and the known ones */
    public TaskDefinition find(String name) {
        TaskDefinition task = byName.get(name);
        if (task == null) {
            throw new UnknownTaskException(name, byName.keySet());
        }
        return task;
    }

    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    public List<TaskDefinition> all() {
        return names().stream().map(byName::get).toList();
    }

    public Path recipesDir() {
        return recipesDir;
    }
}
