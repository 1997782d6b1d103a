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
 * ran under the same conditions: JDK, DJL and libtorch (or Python and torch), CPU, threads, GPU, OS.
 * The machine part is computed once per worker; {@link TrialFacts} adds what belongs to the attempt.
 */
public final class EnvironmentFingerprint {
    private static final Pattern JAR_VERSION = Pattern.compile("(?:^|/)%s-([0-9][^/]*?)(?:-linux-x86_64|-linux-aarch64|-osx-[a-z0-9_]+|-win-[a-z0-9_]+)?\\.jar$");
    private static final Pattern METRIC_LINE = Pattern.compile(
            "\"name\"\\s*:\\s*\"([a-z_]+)\"\\s*,\\s*\"value\"\\s*:\\s*([-0-9.eE+]+)");

    private final Map<String, String> machine;

    private EnvironmentFingerprint(Map<String, String> machine) {
        this.machine = Map.copyOf(machine);
    }

    /**
     * The fingerprint of this worker: {@code djlClasspath} is the classpath DJL recipes run with (its jar
     * names carry the DJL and libtorch versions), {@code runtimes} the recipe runtimes it may use.
     */
    public static EnvironmentFingerprint ofThisMachine(String djlClasspath, String cudaVisibleDevices) {
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
        m.put("gpu", gpu());
        m.put("cuda_visible_devices", cudaVisibleDevices == null || cudaVisibleDevices.isBlank()
                ? "none" : cudaVisibleDevices);
        return new EnvironmentFingerprint(m);
    }

    /** The machine part, in a stable order. */
    public Map<String, String> machine() {
        return machine;
    }

    /** The full fingerprint of one attempt: the machine part plus {@code facts}. */
    public Map<String, String> forAttempt(TrialFacts facts) {
        Map<String, String> all = new LinkedHashMap<>(machine);
        all.putAll(facts.asMap());
        return all;
    }

    /** What belongs to one attempt rather than to the machine. */
    public record TrialFacts(String runtime, List<String> command, int threads, long seed, int budgetSeconds,
                             int steps, int stopStep, Map<String, String> numericsEnv, String trainDataSha256,
                             String evalDataSha256, Path metricsFile, String sandbox) {

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
            if ("process".equals(runtime)) {
                m.put("python_torch", pythonAndTorch());
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

    private static String gpu() {
        String out = run(List.of("nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"));
        return out == null || out.isBlank() ? "none" : out.strip().replace('\n', ';');
    }

    private static String pythonAndTorch() {
        String out = run(List.of("python3", "-c",
                "import sys\ntry:\n import torch; t=torch.__version__\nexcept Exception: t='none'\n"
                        + "print('python', sys.version.split()[0], 'torch', t)"));
        return out == null ? "unknown" : out.strip();
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
