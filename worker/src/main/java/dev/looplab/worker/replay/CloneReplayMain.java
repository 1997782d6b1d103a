package dev.looplab.worker.replay;

import dev.looplab.access.PlatformToken;
import dev.looplab.worker.WorkerBeans;
import dev.looplab.worker.config.WorkerConfig;
import dev.looplab.worker.sandbox.Bubblewrap;
import dev.looplab.worker.sandbox.SandboxLimits;
import dev.looplab.worker.sandbox.TrialSandbox;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;

/**
 * {@code looplab replay --clone <url-or-folder> <trial>} in a JVM of its own on the worker's classes (the launcher
 * starts it): replays the trial from the clone and prints the verdict. Exit 0 identical or within noise, 3 differs,
 * 2 bad input. Reads the worker's settings from the environment: LOOPLAB_HOME, LOOPLAB_WORKER_SANDBOX,
 * LOOPLAB_WORKER_BWRAP, LOOPLAB_WORKER_PYTHON, LOOPLAB_WORKER_DEVICES, LOOPLAB_WORKER_SANDBOX_PATHS, LOOPLAB_TASKS_*.
 */
public final class CloneReplayMain {
    public static final String USAGE = "usage: looplab replay --clone <url-or-folder> <trial-id> [--same-budget]";
    /** The GPU tasks whose data settings LOOPLAB_TASKS_<TASK>_<KEY> name (README, "GPU tasks"). */
    private static final List<String> DATA_TASKS = List.of("parameter-golf", "nanochat-d12", "airbench96");

    private CloneReplayMain() {
    }

    public static void main(String[] args) {
        // the runner's own log lines would drown the replay's progress; warnings still show
        java.util.logging.Logger.getLogger("").setLevel(Level.WARNING);
        System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
    }

    /** Runs the command; returns the exit code. */
    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            CloneReplay.Result result = CloneReplay.replay(arguments.source(), arguments.trial(),
                    arguments.sameBudget(), settings(arguments, env), out);
            out.println("verdict: " + result.verdict().verdict());
            out.println("  " + result.verdict().detail());
            String feedback = result.replay().measurement().feedback();
            if (!result.replay().measurement().status().isScored() && feedback != null) {
                out.println("  replay feedback: " + feedback.lines().findFirst().orElse(""));
            }
            out.println("  artifacts and replay.json: " + result.folder());
            return result.exitCode();
        } catch (ReplayRefusedException | IllegalArgumentException e) {
            err.println("cannot replay trial " + arguments.trial() + " from " + arguments.source() + ": "
                    + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("replay of trial " + arguments.trial() + " interrupted");
            return 2;
        }
    }

    static CloneReplay.Settings settings(Arguments arguments, Map<String, String> env) {
        Path home = arguments.home() != null ? arguments.home()
                : Path.of(env.getOrDefault("LOOPLAB_HOME", System.getProperty("user.home") + "/.looplab"));
        Path recipes = arguments.recipes() != null ? arguments.recipes()
                : Path.of(System.getProperty("looplab.root", "."), "recipes");
        Path python = Path.of(env.getOrDefault("LOOPLAB_WORKER_PYTHON", "/usr/bin/python3"));
        Optional<String> devices = Optional.ofNullable(env.get("LOOPLAB_WORKER_DEVICES")).filter(d -> !d.isBlank());
        String mode = env.getOrDefault("LOOPLAB_WORKER_SANDBOX", WorkerConfig.SandboxMode.bubblewrap.name());
        WorkerConfig.SandboxMode sandboxMode;
        try {
            sandboxMode = WorkerConfig.SandboxMode.valueOf(mode.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LOOPLAB_WORKER_SANDBOX is '" + mode + "': use bubblewrap, or unsafe to"
                    + " run the trial unconfined");
        }
        List<Path> sandboxPaths = new ArrayList<>();
        for (String p : env.getOrDefault("LOOPLAB_WORKER_SANDBOX_PATHS", "").split(",")) {
            if (!p.isBlank()) {
                sandboxPaths.add(Path.of(p.strip()));
            }
        }
        TrialSandbox sandbox = WorkerBeans.trialSandbox(sandboxMode,
                Path.of(env.getOrDefault("LOOPLAB_WORKER_BWRAP", Bubblewrap.DEFAULT_BINARY.toString())),
                new SandboxLimits(SandboxLimits.DEFAULT_MEMORY_MIB, SandboxLimits.DEFAULT_PROCESSES,
                        SandboxLimits.DEFAULT_FILE_SIZE_MIB), devices, sandboxPaths, python);
        return new CloneReplay.Settings(recipes.toAbsolutePath().normalize(), home.toAbsolutePath().normalize(),
                sandbox, python, devices.orElse(null), taskData(env),
                PlatformToken.of(env.get("LOOPLAB_TOKEN"), env.get("LOOPLAB_TOKEN_FILE")));
    }

    /** LOOPLAB_TASKS_PARAMETER_GOLF_DATA=/d as {@code parameter-golf.data=/d}, as a worker reads its task settings. */
    static Map<String, String> taskData(Map<String, String> env) {
        Map<String, String> data = new LinkedHashMap<>();
        for (String task : DATA_TASKS) {
            String prefix = "LOOPLAB_TASKS_" + task.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
            env.forEach((name, value) -> {
                if (name.startsWith(prefix) && !value.isBlank()) {
                    data.put(task + "." + name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-'),
                            value);
                }
            });
        }
        return data;
    }

    /** The command line: the lineage, the trial, and the launcher's folders. */
    record Arguments(String source, String trial, boolean sameBudget, Path recipes, Path home) {

        static Arguments parse(List<String> args) {
            String source = null;
            String trial = null;
            boolean sameBudget = false;
            Path recipes = null;
            Path home = null;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--same-budget" -> sameBudget = true;
                    case "--clone" -> source = value(args, ++i, arg);
                    case "--recipes" -> recipes = Path.of(value(args, ++i, arg));
                    case "--home" -> home = Path.of(value(args, ++i, arg));
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (trial != null) {
                            throw new IllegalArgumentException("one trial at a time: got '" + trial + "' and '" + arg
                                    + "'");
                        }
                        trial = arg;
                    }
                }
            }
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("--clone needs the lineage: a folder you cloned or the URL of"
                        + " <platform>/git/<task>.git");
            }
            if (trial == null || trial.isBlank()) {
                throw new IllegalArgumentException("which trial? name its id after the lineage");
            }
            return new Arguments(source, trial, sameBudget, recipes, home);
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }
    }
}
