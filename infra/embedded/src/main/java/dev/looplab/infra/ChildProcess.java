package dev.looplab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.looplab.runtime.ParentWatch;

/**
 * A server running as a child JVM whose output goes to a log file; stopping it also stops its
 * descendants, and a JVM shutdown hook stops it if nobody else did.
 */
final class ChildProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChildProcess.class);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;
    private volatile boolean stopped;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.shutdownHook = new Thread(() -> stop(Duration.ofSeconds(10)), "looplab-stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code java <jvmArgs> -cp <classpath> <mainClass> <args>} in {@code workDir}, appending output to {@code logFile}. */
    static ChildProcess startJava(String name, List<String> jvmArgs, String classpath, String mainClass,
                                  List<String> args, Path workDir, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        // lets the child stop itself when this JVM dies without running its shutdown hooks (kill -9)
        command.add("-D" + ParentWatch.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(OwnSession.command(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            Process process = builder.start();
            LOG.debugf("Started %s as pid %d, log %s", name, process.pid(), logFile);
            return new ChildProcess(name, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " with " + command.get(0)
                    + ": check that JAVA_HOME points to a JDK 17+", e);
        }
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status once the process has ended. */
    OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    Path logFile() {
        return logFile;
    }

    /** Returns the last {@code lines} lines of the log, for error messages. */
    String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log at " + logFile + ")";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Asks the process and its descendants to terminate (SIGTERM), waits up to {@code grace}, then
     * kills whatever is left. Idempotent.
     */
    synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        List<ProcessHandle> descendants = process.descendants().toList();
        if (!grace.isZero()) {
            process.destroy();
            descendants.forEach(ProcessHandle::destroy);
        }
        try {
            if (grace.isZero()) {
                process.destroyForcibly();
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            } else if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("%s (pid %d) did not stop within %s; killing it", name, process.pid(), grace);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : descendants) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        } catch (Exception e) {
            LOG.warnf(e, "While waiting for the descendants of %s to exit", name);
        }
        removeShutdownHook();
    }

    /** Kills the process at once; for throw-away data where a clean shutdown buys nothing. */
    void kill() {
        stop(Duration.ZERO);
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook is running or ran
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}
