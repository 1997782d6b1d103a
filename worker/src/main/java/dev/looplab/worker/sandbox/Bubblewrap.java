package dev.looplab.worker.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Confines a command with bubblewrap: new user, pid, network (loopback only), ipc and uts
 * namespaces, no capabilities, an allow-list of the host's system files read-only, a private
 * {@code /tmp} and {@code /dev/shm} no larger than the memory limit, the given paths and nothing else, held-out data hidden, and rlimits applied by
 * {@code prlimit} inside.
 */
public final class Bubblewrap implements TrialSandbox {
    /** The Debian package's binary. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/bwrap");
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final List<String> TOP_LEVEL_SYSTEM = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");
    /** What programs read from /etc to start (dynamic linker, users, TLS roots, time zone); never shadow or keys. */
    private static final List<String> ETC_FILES = List.of("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
            "passwd", "group", "nsswitch.conf", "hosts", "localtime", "timezone", "ssl", "ca-certificates",
            "mime.types", "os-release", "debian_version");
    private static final List<String> ETC_PREFIXES = List.of("java-", "python3");
    private static final List<String> SECRET_WORDS = List.of("KEY", "SECRET", "TOKEN", "PASSWORD", "CREDENTIAL");

    private final Path binary;
    private final SandboxLimits limits;
    private final List<Path> runtime;
    private final List<Path> devices;
    private final List<Path> hidden;
    private final Probe probe;

    /**
     * @param binary  the bwrap executable
     * @param limits  rlimits for every confined process
     * @param runtime extra read-only paths every confined process needs (JDK outside /usr, DJL jars and natives, a venv)
     * @param devices device nodes passed through with {@code --dev-bind} (a GPU worker's {@code /dev/nvidia*}),
     *                empty for none: the sandbox's {@code /dev} then holds only null, zero, full, random, urandom, tty
     */
    public Bubblewrap(Path binary, SandboxLimits limits, List<Path> runtime, List<Path> devices) {
        this(binary, limits, runtime, devices, List.of(), new Probe());
    }

    private Bubblewrap(Path binary, SandboxLimits limits, List<Path> runtime, List<Path> devices, List<Path> hidden,
                       Probe probe) {
        this.binary = binary;
        this.limits = limits == null ? SandboxLimits.NONE : limits;
        this.runtime = List.copyOf(runtime);
        this.devices = List.copyOf(devices);
        this.hidden = List.copyOf(hidden);
        this.probe = probe;
    }

    @Override
    public SandboxLimits limits() {
        return limits;
    }

    @Override
    public Bubblewrap hiding(List<Path> paths) {
        Set<Path> all = new LinkedHashSet<>(hidden);
        paths.forEach(p -> all.add(p.toAbsolutePath().normalize()));
        return new Bubblewrap(binary, limits, runtime, devices, List.copyOf(all), probe);
    }

    /** The paths this sandbox hides, in order. */
    public List<Path> hidden() {
        return hidden;
    }

    @Override
    public List<String> wrap(List<String> command, Path workDir, List<Path> readOnly, List<Path> writable) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(),
                // user, pid, net, ipc, uts and cgroup namespaces: only a private loopback, no host processes
                "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--ro-bind", "/usr", "/usr"));
        for (String top : TOP_LEVEL_SYSTEM) {
            Path path = Path.of(top);
            if (Files.isSymbolicLink(path)) {
                argv.addAll(List.of("--symlink", readLink(path), top));
            } else if (Files.isDirectory(path)) {
                argv.addAll(List.of("--ro-bind", top, top));
            }
        }
        for (String name : ETC_FILES) {
            argv.addAll(List.of("--ro-bind-try", "/etc/" + name, "/etc/" + name));
        }
        for (Path etc : etcByPrefix()) {
            argv.addAll(List.of("--ro-bind", etc.toString(), etc.toString()));
        }
        argv.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        // tmpfs is memory the resident-memory watch does not see: cap each at the memory limit
        for (String scratch : List.of("/tmp", "/dev/shm")) {
            if (limits.limitsMemory()) {
                argv.addAll(List.of("--size", Long.toString(limits.memoryBytes())));
            }
            argv.addAll(List.of("--tmpfs", scratch));
        }
        // only a worker that owns GPUs has devices: their nodes, usable (a plain bind would be nodev)
        for (Path device : devices) {
            argv.addAll(List.of("--dev-bind", abs(device), abs(device)));
        }
        for (Path path : runtime) {
            argv.addAll(List.of("--ro-bind-try", abs(path), abs(path)));
        }
        for (Path path : readOnly) {
            argv.addAll(List.of("--ro-bind", abs(path), abs(path)));
        }
        for (Path path : writable) {
            argv.addAll(List.of("--bind", abs(path), abs(path)));
        }
        // last, so no bind above can bring the held-out data back into view
        for (Path path : hidden) {
            if (Files.isDirectory(path)) {
                argv.addAll(List.of("--tmpfs", abs(path), "--remount-ro", abs(path)));
            } else if (Files.exists(path)) {
                argv.addAll(List.of("--ro-bind", "/dev/null", abs(path)));
            }
        }
        // the sandbox's own root (mount points, /etc) must not become a place to write
        argv.addAll(List.of("--remount-ro", "/", "--setenv", "TMPDIR", "/tmp"));
        for (String name : System.getenv().keySet()) {
            if (secretLooking(name)) {
                argv.addAll(List.of("--unsetenv", name));
            }
        }
        argv.addAll(List.of("--chdir", abs(workDir), "--"));
        argv.addAll(rlimits());
        argv.addAll(command);
        return List.copyOf(argv);
    }

    /**
     * {@code prlimit} inside the sandbox: RLIMIT_DATA rather than RLIMIT_AS because the JVM and libtorch
     * reserve far more address space than they ever touch; RLIMIT_NPROC is useless here since root is
     * exempt from it (the process count is watched by {@link TrainingProcess} instead).
     */
    private List<String> rlimits() {
        List<String> argv = new ArrayList<>(List.of(PRLIMIT.toString(), "--core=0"));
        if (limits.limitsMemory()) {
            argv.add("--data=" + limits.memoryBytes());
        }
        if (limits.limitsFileSize()) {
            argv.add("--fsize=" + limits.fileSizeBytes());
        }
        argv.add("--");
        return argv;
    }

    @Override
    public void ensureUsable() {
        probe.ensure(this);
    }

    @Override
    public String description() {
        return probe.version() + ", net=none, fs=allow-list read-only, work dir writable, hidden " + hidden.size()
                + " held-out path(s), " + (devices.isEmpty() ? "" : "devices " + devices.size() + " /dev/nvidia*, ")
                + limits.describe();
    }

    private static boolean secretLooking(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(upper::contains) || upper.startsWith("LOOPLAB_S3")
                || upper.startsWith("LOOPLAB_KAFKA") || upper.startsWith("QUARKUS_");
    }

    private static List<Path> etcByPrefix() {
        try (Stream<Path> entries = Files.list(Path.of("/etc"))) {
            return entries.filter(p -> ETC_PREFIXES.stream().anyMatch(prefix -> p.getFileName().toString()
                    .startsWith(prefix))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the symlink " + link, e);
        }
    }

    private static String abs(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    /** Whether bwrap ran once on this machine, shared by every {@link #hiding} copy. */
    private static final class Probe {
        private String version;
        private boolean usable;

        synchronized String version() {
            return version == null ? "bubblewrap" : version;
        }

        synchronized void ensure(Bubblewrap sandbox) {
            if (usable) {
                return;
            }
            String problem = problemWith(sandbox);
            if (problem != null) {
                throw new SandboxUnavailableException("bubblewrap cannot run here (" + problem + "): install the "
                        + "Debian package bubblewrap (apt-get install bubblewrap) and allow user namespaces, or set "
                        + "looplab.worker.sandbox=unsafe to run trials unconfined");
            }
            usable = true;
        }

        private String problemWith(Bubblewrap sandbox) {
            if (!Files.isExecutable(sandbox.binary)) {
                return "no executable " + sandbox.binary + " (looplab.worker.bwrap)";
            }
            if (!Files.isExecutable(PRLIMIT)) {
                return "no " + PRLIMIT + " for the resource limits (Debian package util-linux)";
            }
            try {
                String out = run(List.of(sandbox.binary.toString(), "--version"));
                version = out.strip().isEmpty() ? "bubblewrap" : out.strip().lines().findFirst().orElse("bubblewrap");
                run(sandbox.wrap(List.of("/usr/bin/true"), Path.of("/"), List.of(), List.of()));
                return null;
            } catch (IOException e) {
                return e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while trying it";
            }
        }

        private static String run(List<String> argv) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(argv.get(0) + " did not finish within 20 s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(argv.get(0) + " exited with " + process.exitValue() + ": " + out.strip());
            }
            return out;
        }
    }

    @Override
    public String toString() {
        return "Bubblewrap[" + binary + ", " + limits.describe() + ", hidden " + hidden + "]";
    }
}
