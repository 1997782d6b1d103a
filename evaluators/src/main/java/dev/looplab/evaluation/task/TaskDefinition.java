package dev.looplab.evaluation.task;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A benchmark task as declared by {@code recipes/<task>/task.yaml}: how its recipe runs, its
 * budgets and size cap, its evaluator, which knobs or files each surface may edit, and for gated
 * tasks the quality gate ({@code gate_accuracy}, 0 when none) measured over {@code runs} runs, and the clock its
 * training budget is counted on ({@code budget_clock}: {@code wall}, or {@code cpu} for CPU tasks).
 */
public record TaskDefinition(
        Path taskDir,
        String name,
        String description,
        Runtime runtime,
        String entry,
        List<String> command,
        int trainBudgetSeconds,
        int evalBudgetSeconds,
        long artifactCapBytes,
        String evaluator,
        double keepThreshold,
        Map<String, List<String>> surfaces,
        List<String> evaluatorOwned,
        double gateAccuracy,
        int runs,
        BudgetClock budgetClock) {

    /** How a recipe is started: a single-file DJL Java program, or a plain command. */
    public enum Runtime {
        djl, process
    }

    /**
     * What the training budget counts: {@code wall} seconds, or {@code cpu} seconds of the trial's process tree
     * (CPU tasks, so a loaded machine trains as many steps as a quiet one; a wall-clock ceiling still applies).
     */
    public enum BudgetClock {
        wall, cpu
    }

    public static final String FILE_NAME = "task.yaml";
    static final long DEFAULT_ARTIFACT_CAP_BYTES = 1_000_000L;
    private static final Set<String> KNOWN_KEYS = Set.of("name", "description", "runtime", "entry", "command",
            "train_budget_seconds", "eval_budget_seconds", "artifact_cap_bytes", "evaluator", "keep_threshold",
            "surfaces", "evaluator_owned", "gate_accuracy", "runs", "budget_clock");

    public TaskDefinition {
        require(name != null && name.matches("[a-z0-9][a-z0-9-]*"), taskDir,
                "name '" + name + "' must be lower-case letters, digits and '-'");
        require(runtime != null, taskDir, "runtime must be djl or process");
        require(runtime != Runtime.djl || (entry != null && entry.endsWith(".java")), taskDir,
                "a djl task needs entry: <File>.java");
        require(runtime != Runtime.process || (command != null && !command.isEmpty()), taskDir,
                "a process task needs command: [program, args...]");
        require(trainBudgetSeconds > 0, taskDir, "train_budget_seconds must be > 0");
        require(evalBudgetSeconds > 0, taskDir, "eval_budget_seconds must be > 0");
        require(artifactCapBytes > 0, taskDir, "artifact_cap_bytes must be > 0");
        require(evaluator != null && !evaluator.isBlank(), taskDir, "evaluator is required");
        require(keepThreshold >= 0, taskDir, "keep_threshold must be >= 0");
        require(gateAccuracy >= 0 && gateAccuracy <= 1, taskDir,
                "gate_accuracy must be a fraction in [0, 1] such as 0.90, not " + gateAccuracy);
        require(runs >= 1, taskDir, "runs must be >= 1 (independent trainings the gate is averaged over), not " + runs);
        budgetClock = budgetClock == null ? BudgetClock.wall : budgetClock;
        command = command == null ? List.of() : List.copyOf(command);
        description = description == null ? "" : description;
        surfaces = surfaces == null ? Map.of() : copySurfaces(surfaces);
        evaluatorOwned = evaluatorOwned == null ? List.of() : List.copyOf(evaluatorOwned);
    }

    /** A task without a quality gate, judged on one run. */
    public TaskDefinition(Path taskDir, String name, String description, Runtime runtime, String entry,
                          List<String> command, int trainBudgetSeconds, int evalBudgetSeconds, long artifactCapBytes,
                          String evaluator, double keepThreshold, Map<String, List<String>> surfaces,
                          List<String> evaluatorOwned) {
        this(taskDir, name, description, runtime, entry, command, trainBudgetSeconds, evalBudgetSeconds,
                artifactCapBytes, evaluator, keepThreshold, surfaces, evaluatorOwned, 0, 1);
    }

    /** A task whose training budget counts wall seconds. */
    public TaskDefinition(Path taskDir, String name, String description, Runtime runtime, String entry,
                          List<String> command, int trainBudgetSeconds, int evalBudgetSeconds, long artifactCapBytes,
                          String evaluator, double keepThreshold, Map<String, List<String>> surfaces,
                          List<String> evaluatorOwned, double gateAccuracy, int runs) {
        this(taskDir, name, description, runtime, entry, command, trainBudgetSeconds, evalBudgetSeconds,
                artifactCapBytes, evaluator, keepThreshold, surfaces, evaluatorOwned, gateAccuracy, runs,
                BudgetClock.wall);
    }

    /** Parses {@code taskDir/task.yaml}; the message of any failure names the file and the bad key. */
    public static TaskDefinition load(Path taskDir) {
        Path file = taskDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidTaskException(file + " does not exist: every task folder needs a task.yaml");
        }
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new InvalidTaskException(file + " is not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new InvalidTaskException(file + " must be a YAML mapping of keys such as name, runtime, entry");
        }
        for (Object key : map.keySet()) {
            if (!KNOWN_KEYS.contains(String.valueOf(key))) {
                throw new InvalidTaskException(file + ": unknown key '" + key + "'; known keys are "
                        + KNOWN_KEYS.stream().sorted().toList());
            }
        }
        Fields f = new Fields(file, map);
        String runtimeName = f.string("runtime", "djl");
        Runtime runtime;
        try {
            runtime = Runtime.valueOf(runtimeName.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidTaskException(file + ": runtime '" + runtimeName + "' must be djl or process");
        }
        String clockName = f.string("budget_clock", BudgetClock.wall.name());
        BudgetClock clock;
        try {
            clock = BudgetClock.valueOf(clockName.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidTaskException(file + ": budget_clock '" + clockName + "' must be wall (seconds on the "
                    + "clock) or cpu (CPU seconds of the trial's processes, for CPU tasks)");
        }
        return new TaskDefinition(
                taskDir.toAbsolutePath().normalize(),
                f.string("name", null),
                f.string("description", ""),
                runtime,
                f.string("entry", null),
                f.strings("command"),
                (int) f.number("train_budget_seconds", 0),
                (int) f.number("eval_budget_seconds", 0),
                (long) f.number("artifact_cap_bytes", DEFAULT_ARTIFACT_CAP_BYTES),
                f.string("evaluator", null),
                f.number("keep_threshold", 0),
                f.surfaces(),
                f.strings("evaluator_owned"),
                f.number("gate_accuracy", 0),
                wholeNumber(file, "runs", f.number("runs", 1)),
                clock);
    }

    /** The surface names in declaration order. */
    public List<String> surfaceNames() {
        return List.copyOf(surfaces.keySet());
    }

    /** The knobs or files of one surface; fails naming the known surfaces. */
    public List<String> surface(String surface) {
        List<String> items = surfaces.get(surface);
        if (items == null) {
            throw new InvalidTaskException("task " + name + " has no surface '" + surface + "'; its surfaces are "
                    + surfaceNames());
        }
        return items;
    }

    /** The recipe's entry file inside {@code recipeDir} (a trial's checkout of this task). */
    public Path entryIn(Path recipeDir) {
        return recipeDir.resolve(entry);
    }

    private static int wholeNumber(Path file, String key, double value) {
        if (value != Math.rint(value)) {
            throw new InvalidTaskException(file + ": " + key + " must be a whole number, not " + value);
        }
        return (int) value;
    }

    private static Map<String, List<String>> copySurfaces(Map<String, List<String>> surfaces) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        surfaces.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static void require(boolean ok, Path taskDir, String message) {
        if (!ok) {
            throw new InvalidTaskException((taskDir == null ? "task" : taskDir.resolve(FILE_NAME)) + ": " + message);
        }
    }

    /** A task.yaml that cannot be used; the message names the file and the fix. */
    public static final class InvalidTaskException extends RuntimeException {
        public InvalidTaskException(String message) {
            super(message);
        }
    }

    /** Typed access to the raw YAML map, with errors that name the key. */
    private record Fields(Path file, Map<?, ?> map) {
        String string(String key, String fallback) {
            Object value = map.get(key);
            if (value == null) {
                return fallback;
            }
            if (value instanceof Map || value instanceof List) {
                throw new InvalidTaskException(file + ": " + key + " must be a single value, not " + value);
            }
            return String.valueOf(value);
        }

        double number(String key, double fallback) {
            Object value = map.get(key);
            if (value == null) {
                return fallback;
            }
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(String.valueOf(value).replace("_", ""));
            } catch (NumberFormatException e) {
                throw new InvalidTaskException(file + ": " + key + " must be a number, not '" + value + "'");
            }
        }

        List<String> strings(String key) {
            Object value = map.get(key);
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List<?> list)) {
                throw new InvalidTaskException(file + ": " + key + " must be a list such as [a, b], not '" + value + "'");
            }
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                out.add(String.valueOf(item));
            }
            return out;
        }

        Map<String, List<String>> surfaces() {
            Object value = map.get("surfaces");
            if (value == null) {
                return Map.of();
            }
            if (!(value instanceof Map<?, ?> raw)) {
                throw new InvalidTaskException(file + ": surfaces must map a surface name to a list of knobs or files");
            }
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : raw.entrySet()) {
                if (!(e.getValue() instanceof List<?> items)) {
                    throw new InvalidTaskException(file + ": surface '" + e.getKey()
                            + "' must list knobs or files, for example [LR, WARMUP_STEPS]");
                }
                out.put(String.valueOf(e.getKey()), items.stream().map(String::valueOf).toList());
            }
            return out;
        }
    }
}
