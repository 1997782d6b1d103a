package dev.looplab.launcher;

import dev.looplab.runtime.ParentWatch;

import dev.looplab.infra.OwnSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** One Looplab app running as a child process, its output in a log file, its HTTP server on a port of its own. */
final class App implements AutoCloseable {
    private final Spec spec;
    private final Process process;

    /**
     * How to start an app: the command, its environment, its log, and the HTTP port it is told to serve on
     * ({@code QUARKUS_HTTP_PORT}: health at {@code /q/health}, metrics at {@code /q/metrics}).
     */
    record Spec(String name, List<String> command, Map<String, String> env, Path log, int port) {

        /** A packaged Quarkus app: {@code java <jvmArgs> -jar <quarkus-run.jar>}, logging to {@code logDir/<name>.log}. */
        static Spec quarkus(String name, Path quarkusRunJar, List<String> jvmArgs, Map<String, String> env, Path logDir,
                            int port) {
            if (!Files.isRegularFile(quarkusRunJar)) {
                throw new IllegalStateException(quarkusRunJar + " is missing: build Looplab first with"
                        + " ./mvnw install -DskipTests (./looplab up does it when nothing is built)");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.add("-jar");
            command.add(quarkusRunJar.toString());
            // the app stops when the launcher is gone, even killed with SIGKILL: no orphan holds its port and data
            // (a caller's env may name another parent)
            Map<String, String> withParent = new java.util.HashMap<>(env);
            withParent.putIfAbsent(ParentWatch.PARENT_PID_ENV, Long.toString(ProcessHandle.current().pid()));
            return new Spec(name, List.copyOf(command), Map.copyOf(withParent), logDir.resolve(name + ".log"), port);
        }

        /** The same app on another port. */
        Spec onPort(int newPort) {
            return new Spec(name, command, env, log, newPort);
        }
    }

    private App(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
    }

    /** Starts a packaged Quarkus app serving HTTP on {@code port}. */
    static App start(String name, Path quarkusRunJar, Map<String, String> env, Path logDir, List<String> jvmArgs,
                     int port) {
        return start(Spec.quarkus(name, quarkusRunJar, jvmArgs, env, logDir, port));
    }

    static App start(Spec spec) {
        try {
            Files.createDirectories(spec.log().getParent());
            // its own session: a Ctrl-C in the terminal reaches the launcher only, which stops the apps in order
            ProcessBuilder builder = new ProcessBuilder(OwnSession.command(spec.command()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log().toFile()));
            Map<String, String> env = new HashMap<>(spec.env());
            env.put("QUARKUS_HTTP_PORT", Integer.toString(spec.port()));
            builder.environment().putAll(env);
            return new App(spec, builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return spec.name();
    }

    Spec spec() {
        return spec;
    }

    Path log() {
        return spec.log();
    }

    int port() {
        return spec.port();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The exit status once the process has ended. */
    OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Asks the app to stop (SIGTERM), then kills it and everything it started if it does not. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
