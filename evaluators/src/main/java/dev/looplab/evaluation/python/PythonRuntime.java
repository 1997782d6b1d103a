package dev.looplab.evaluation.python;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How the trusted Python scorers run: {@code interpreter} (a python3 with torch; Debian's by default),
 * the extracted {@code looplab_eval} package, the threads they may use, and the GPUs the worker owns as
 * {@code CUDA_VISIBLE_DEVICES} ({@code devices}, null on a CPU worker). They run as the worker, unconfined,
 * in a minimal environment; the recipe's own code they start runs in the trial's sandbox.
 */
public record PythonRuntime(Path interpreter, LooplabEvalPackage evalPackage, int threads, String devices) {

    /** Debian's python3, which {@code apt-get install python3-torch} gives torch. */
    public static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
    private static final int TAIL_LINES = 12;

    public PythonRuntime {
        if (interpreter == null || evalPackage == null) {
            throw new IllegalArgumentException("a Python runtime needs an interpreter and the looplab_eval package");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        devices = devices == null || devices.isBlank() ? null : devices.strip();
    }

    /** The torch device scorers and the model processes they start use: {@code cuda} when the worker owns GPUs. */
    public String device() {
        return devices == null ? "cpu" : "cuda";
    }

    /**
     * The environment of a scorer: nothing of the worker's but PATH, HOME and LANG (never its credentials), the
     * package on PYTHONPATH, {@code tmp} as TMPDIR, the thread count, and only the worker's GPUs, numbered as
     * nvidia-smi numbers them; none at all on a CPU worker.
     */
    public Map<String, String> environment(Path tmp) {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("PYTHONPATH", evalPackage.pythonPath().toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("TMPDIR", tmp.toAbsolutePath().toString());
        env.put("LOOPLAB_THREADS", Integer.toString(threads));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
        env.put("CUDA_VISIBLE_DEVICES", devices == null ? "" : devices);
        return env;
    }

    /** {@code <interpreter> -m looplab_eval.<module> <args>}. */
    public List<String> command(String module, List<String> args) {
        List<String> command = new ArrayList<>(List.of(interpreter.toString(), "-m", LooplabEvalPackage.PACKAGE + "."
                + module));
        command.addAll(args);
        return command;
    }

    /**
     * Runs {@code command} in {@code workDir} with exactly {@code environment} (see {@link #environment}); its
     * stdout goes to {@code stdout}, its stderr to {@code stderr}. Waits at most {@code timeout} (null: no
     * limit), then kills it and everything it started.
     */
    public Run run(List<String> command, Map<String, String> environment, Path workDir, Path stdout, Path stderr,
                   Duration timeout) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process;
        try {
            String tmp = environment.get("TMPDIR");
            if (tmp != null) {
                Files.createDirectories(Path.of(tmp));
            }
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Python interpreter " + interpreter + " (" + e.getMessage()
                    + "): set looplab.worker.python (LOOPLAB_WORKER_PYTHON) to a python3 with torch, such as Debian's "
                    + "/usr/bin/python3 after apt-get install python3-torch", e);
        }
        boolean finished = true;
        try {
            if (timeout == null) {
                process.waitFor();
            } else {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        }
        if (!finished) {
            kill(process);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Run(finished ? process.exitValue() : -1, !finished, seconds, tail(stderr));
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The last non-blank lines of {@code file}, read from its last 64 KiB: a recipe may print without end. */
    static String tail(Path file) {
        try (var channel = Files.newByteChannel(file)) {
            long size = channel.size();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size, 1 << 16));
            channel.position(size - buffer.capacity());
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read to the end
            }
            List<String> lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * How one run of a scorer ended: its exit code (-1 when it was killed at its timeout), the seconds it took,
     * and the last lines of its stderr.
     */
    public record Run(int exitCode, boolean timedOut, double seconds, String stderrTail) {

        /** Exit code 2: the scorer judged nothing because its own data or arguments are wrong. */
        public boolean setupError() {
            return exitCode == 2;
        }

        /** A hint for the operator when the interpreter lacks torch. */
        String hint() {
            return stderrTail.contains("No module named 'torch'")
                    ? " (this python3 has no torch: install Debian's python3-torch, or point looplab.worker.python at "
                    + "one that has it)" : "";
        }
    }
}
