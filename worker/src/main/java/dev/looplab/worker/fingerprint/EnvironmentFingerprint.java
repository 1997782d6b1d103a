package dev.looplab.worker.fingerprint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a trial attempt ran on, recorded with its outcome so that anyone can tell whether a replay
 * ran under the same conditions: JDK, DJL and libtorch (or Python, torch and its CUDA), CPU, threads, the
 * worker's GPUs with their driver and CUDA version, OS.
 * The machine part is computed once per worker; {@link TrialFacts} adds what belongs to the attempt.
 */
public final class EnvironmentFingerprint {
    private static final Pattern JAR_VERSION = Pattern.compile("(?:^|/)%s-([0-9][^/]*?)(?:-linux-x86_64|-linux-aarch64|-osx-[a-z0-9_]+|-win-[a-z0-9_]+)?\\.jar$");
    private static final Pattern METRIC_LINE = Pattern.compile(
            "\"name\"\\s*:\\s*\"([a-z_]+)\"\\s*,\\s*\"value\"\\s*:\\s*([-0-9.eE+]+)");

    private static final Pattern CUDA_VERSION = Pattern.compile("CUDA Version:\\s*([0-9.]+)");
    private static final String PYTHON_PROBE = String.join("\n",
            "import platform",
            "print('python', platform.python_version())",
            "try:",
            "    import torch",
            "    print('torch', torch.__version__)",
            "    print('torch_cuda', torch.version.cuda or 'none')",
            "except Exception as e:",
            "    print('torch', 'none')");

    private final Map<String, String> machine;
    private final Path python;
    private volatile Map<String, String> pythonFacts;

    private EnvironmentFingerprint(Map<String, String> machine, Path python) {
        this.machine = Map.copyOf(machine);
        this.python = python;
    }

    /** As {@link #ofThisMachine(String, String, Path)} with Debian's python3. */
    public static EnvironmentFingerprint ofThisMachine(String djlClasspath, String cudaVisibleDevices) {
        return ofThisMachine(djlClasspath, cudaVisibleDevices, Path.of("/usr/bin/python3"));
    }

    /**
     * The fingerprint of this worker: {@code djlClasspath} is the classpath DJL recipes run with (its jar
     * names carry the DJL and libtorch versions), {@code devices} the GPUs the worker owns (null: none), whose
     * model, driver and CUDA version nvidia-smi reports, and {@code python} the interpreter of Python recipes,
     * whose Python, torch and torch's CUDA versions are added to the attempts that run one.
     */
    public static EnvironmentFingerprint ofThisMachine(String djlClasspath, String devices, Path python) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("jdk", System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.runtime.version",
                System.getProperty("java.version", "?")));
        jarVersion(djlClasspath, "api").ifPresent(v -> m.put("djl", v));
        jarVersion(djlClasspath, "pytorch-engine").ifPresent(v -> m.put("djl_pytorch_engine", v));
        jarVersion(djlClasspath, "pytorch-native-cpu").ifPresent(v -> m.put("libtorch", v + " (cpu)"));
        jarVersion(djlClasspath, "pytorch-native-cu[0-9]+").ifPresent(v -> m.put("libtorch", v + " (cuda)"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cpu_count", Integer.toString(Runtime.getRuntime().availableProcessors()));
        boolean gpus = devices != null && !devices.isBlank();
        m.putAll(gpuFacts(gpus ? run(List.of("nvidia-smi", "-i", devices.strip(),
                "--query-gpu=name,driver_version", "--format=csv,noheader")) : null,
                gpus ? run(List.of("nvidia-smi")) : null));
        m.put("cuda_visible_devices", gpus ? devices.strip() : "none");
        return new EnvironmentFingerprint(m, python);
    }

    /**
     * {@code gpu} (the model of each GPU, {@code ;}-separated), {@code gpu_driver} and {@code cuda} (the
     * driver's CUDA version) from nvidia-smi's CSV answer and its header; {@code none} for each it did not give.
     */
    static Map<String, String> gpuFacts(String csv, String header) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> names = new java.util.ArrayList<>();
        java.util.Set<String> drivers = new java.util.LinkedHashSet<>();
        if (csv != null) {
            for (String line : csv.strip().split("\n")) {
                String[] parts = line.split(",");
                if (parts.length >= 2 && !parts[0].isBlank()) {
                    names.add(parts[0].strip());
                    drivers.add(parts[1].strip());
                }
            }
        }
        m.put("gpu", names.isEmpty() ? "none" : String.join(";", names));
        m.put("gpu_driver", drivers.isEmpty() ? "none" : String.join(";", drivers));
        Matcher cuda = header == null ? null : CUDA_VERSION.matcher(header);
        m.put("cuda", cuda != null && cuda.find() && !names.isEmpty() ? cuda.group(1) : "none");
        return m;
    }

    /** {@code python}, {@code torch} and {@code torch_cuda} from the probe's lines ({@code name value}). */
    static Map<String, String> pythonFacts(String probeOutput, Path python) {
        Map<String, String> m = new LinkedHashMap<>();
        if (probeOutput != null) {
            for (String line : probeOutput.strip().split("\n")) {
                String[] parts = line.strip().split("\\s+", 2);
                if (parts.length == 2 && List.of("python", "torch", "torch_cuda").contains(parts[0])) {
                    m.put(parts[0], parts[1]);
                }
            }
        }
        m.putIfAbsent("python", "unknown (" + python + " did not run)");
        m.putIfAbsent("torch", "none");
        m.putIfAbsent("torch_cuda", "none");
        m.put("python_path", python.toString());
        return m;
    }

    /** The machine part, in a stable order. */
    public Map<String, String> machine() {
        return machine;
    }

    /**
     * The full fingerprint of one attempt: the machine part plus {@code facts}, and for a Python recipe
     * ({@code runtime: process}) the interpreter's Python, torch and torch CUDA versions (probed once per worker).
     */
    public Map<String, String> forAttempt(TrialFacts facts) {
        Map<String, String> all = new LinkedHashMap<>(machine);
        all.putAll(facts.asMap());
        if ("process".equals(facts.runtime())) {
            all.putAll(pythonFacts());
        }
        return all;
    }

    private Map<String, String> pythonFacts() {
        Map<String, String> facts = pythonFacts;
        if (facts == null) {
            facts = pythonFacts(run(List.of(python.toString(), "-c", PYTHON_PROBE)), python);
            pythonFacts = facts;
        }
        return facts;
    }

    /**
     * How the training budget was counted and what training cost: the budget's clock ({@code cpu} or
     * {@code wall}), the wall-clock ceiling of a CPU budget (0: none), the 1-minute load average at the start
     * and end of training, and the wall and CPU seconds training took (NaN where unknown).
     */
    public record BudgetFacts(String clock, long wallCeilingSeconds, double loadStart, double loadEnd,
                              double trainWallSeconds, double trainCpuSeconds) {

        /** The fingerprint keys, with CPU seconds per step from the {@code train_steps} the recipe reported. */
        Map<String, String> asMap(Double trainSteps) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("budget_clock", clock);
            if (wallCeilingSeconds > 0) {
                m.put("wall_ceiling_s", Long.toString(wallCeilingSeconds));
            }
            putFinite(m, "load_avg_1m_start", loadStart, "%.2f");
            putFinite(m, "load_avg_1m_end", loadEnd, "%.2f");
            putFinite(m, "train_wall_s", trainWallSeconds, "%.2f");
            putFinite(m, "train_cpu_s", trainCpuSeconds, "%.2f");
            if (trainSteps != null && trainSteps > 0) {
                putFinite(m, "cpu_s_per_step", trainCpuSeconds / trainSteps, "%.4f");
            }
            return m;
        }

        private static void putFinite(Map<String, String> m, String key, double value, String format) {
            if (Double.isFinite(value)) {
                m.put(key, String.format(java.util.Locale.ROOT, format, value));
            }
        }
    }

    /** What belongs to one attempt rather than to the machine. */
    public record TrialFacts(String runtime, List<String> command, int threads, long seed, int budgetSeconds,
                             int steps, int stopStep, Map<String, String> numericsEnv, String trainDataSha256,
                             String evalDataSha256, Path metricsFile, String sandbox, BudgetFacts budget) {

        /** Facts without the budget's accounting (an attempt that never trained). */
        public TrialFacts(String runtime, List<String> command, int threads, long seed, int budgetSeconds,
                          int steps, int stopStep, Map<String, String> numericsEnv, String trainDataSha256,
                          String evalDataSha256, Path metricsFile, String sandbox) {
            this(runtime, command, threads, seed, budgetSeconds, steps, stopStep, numericsEnv, trainDataSha256,
                    evalDataSha256, metricsFile, sandbox, null);
        }

        Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("runtime", runtime);
            m.put("command", describe(command));
            m.put("threads", Integer.toString(threads));
            m.put("seed", Long.toString(seed));
            m.put("budget_s", Integer.toString(budgetSeconds));
            if (steps > 0) {
                m.put("steps_requested", Integer.toString(steps));
            }
            if (stopStep > 0) {
                m.put("stop_step_requested", Integer.toString(stopStep));
            }
            numericsEnv.forEach((k, v) -> m.put("env." + k, v));
            if (trainDataSha256 != null) {
                m.put("train_data_sha256", trainDataSha256);
            }
            if (evalDataSha256 != null) {
                m.put("eval_data_sha256", evalDataSha256);
            }
            // what the recipe reported about its own schedule: a replay runs exactly these steps
            Map<String, Double> reported = lastMetricValues(metricsFile, List.of("planned_steps", "train_steps"));
            reported.forEach((k, v) -> m.put(k, Long.toString(Math.round(v))));
            if (sandbox != null) {
                m.put("sandbox", sandbox);
            }
            if (budget != null) {
                m.putAll(budget.asMap(reported.get("train_steps")));
            }
            return m;
        }
    }

    /** The command a person can read: the long DJL classpath is shortened to its jar count. */
    static String describe(List<String> command) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            boolean classpath = i > 0 && ("-cp".equals(command.get(i - 1)) || "-classpath".equals(command.get(i - 1)));
            if (!text.isEmpty()) {
                text.append(' ');
            }
            if (classpath) {
                text.append('<').append(arg.split(java.io.File.pathSeparator).length).append(" jars>");
            } else {
                text.append(arg.contains(" ") ? "'" + arg + "'" : arg);
            }
        }
        return text.toString();
    }

    /** The last value of each named metric in a JSON-lines metrics file; lines it cannot read are skipped. */
    static Map<String, Double> lastMetricValues(Path metricsFile, List<String> names) {
        Map<String, Double> values = new LinkedHashMap<>();
        if (metricsFile == null || !Files.isRegularFile(metricsFile)) {
            return values;
        }
        try (var lines = Files.lines(metricsFile, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                Matcher m = METRIC_LINE.matcher(line);
                if (m.find() && names.contains(m.group(1))) {
                    try {
                        values.put(m.group(1), Double.parseDouble(m.group(2)));
                    } catch (NumberFormatException ignored) {
                        // a malformed value says nothing about the schedule
                    }
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return values;
        }
        return values;
    }

    static Optional<String> jarVersion(String classpath, String artifactPattern) {
        if (classpath == null) {
            return Optional.empty();
        }
        Pattern p = Pattern.compile(String.format(JAR_VERSION.pattern(), artifactPattern));
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            Matcher m = p.matcher(entry);
            if (m.find() && entry.contains("djl")) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture is all we know
        }
        return System.getProperty("os.arch");
    }

    /** Runs a probe command; null when it is missing or fails. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
