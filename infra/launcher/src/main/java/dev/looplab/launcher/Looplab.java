package dev.looplab.launcher;

import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.FileHandler;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;

/**
 * The {@code looplab} command line: {@code up} starts Looplab and keeps it running until Ctrl-C or SIGTERM;
 * {@code status} shows how it runs; {@code replay} and {@code import} work through the running platform
 * ({@code replay --clone} runs a trial from a clone of its lineage without one).
 */
public final class Looplab {

    private Looplab() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        Path root = Path.of(System.getProperty("looplab.root", ".")).toAbsolutePath().normalize();
        switch (command) {
            case "up" -> up(root);
            case "status" -> System.exit(StatusCommand.run(System.getenv(), System.out));
            case "replay" -> System.exit(List.of(args).contains("--clone")
                    ? CloneReplayCommand.run(List.of(args).subList(1, args.length), root, System.err)
                    : ReplayCommand.run(args, platformUrl()));
            case "import" -> System.exit(ImportCommand.run(java.util.List.of(args).subList(1, args.length), System.getenv()));
            case "export" -> System.exit(ExportCommand.run(java.util.List.of(args).subList(1, args.length), System.getenv()));
            case "campaign" -> System.exit(CampaignCommand.run(java.util.List.of(args).subList(1, args.length),
                    System.getenv(), System.out, System.err));
            case "token" -> System.exit(TokenCommand.run(java.util.List.of(args).subList(1, args.length),
                    System.getenv(), System.out, System.err));
            case "help", "--help", "-h" -> usage();
            default -> {
                System.err.println("unknown command '" + command + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.out.println("""
                usage: looplab up
                  Starts Looplab on this machine: Kafka, PostgreSQL and S3 (embedded unless LOOPLAB_KAFKA_BOOTSTRAP,
                  LOOPLAB_DB_URL or LOOPLAB_S3_ENDPOINT name external ones), then the platform, a worker and the
                  proposer agents, and restarts any of them that crashes (backoff 1 s to 30 s). State lives in
                  LOOPLAB_HOME (default ~/.looplab); running it again resumes. Ctrl-C or SIGTERM stops everything.
                  Other settings: LOOPLAB_PORT (8080), LOOPLAB_CAMPAIGN, LOOPLAB_TASK (golf-mini),
                  LOOPLAB_TRAIN_BUDGET_S (0 = the task's own budget), LOOPLAB_NOISE_RUNS (2).
                  The platform listens on 127.0.0.1 (LOOPLAB_BIND names another interface, then every caller needs
                  a token); the admin token in LOOPLAB_HOME/admin.token (mode 600) serves this machine's CLI,
                  and the browser's Sign in takes it (without a token the browser only reads).

                """ + StatusCommand.USAGE + """

                usage: looplab replay <trial-id> [--no-wait] [--timeout seconds]
                  Runs the trial's commit again on a worker with its recorded seed and step count, waits, and
                  prints the verdict: identical, within_noise (with the tolerance) or differs (both scores and
                  what differs in the environment). Talks to LOOPLAB_PLATFORM_URL (http://localhost:8080).

                """ + CloneReplayCommand.USAGE + "\n\n" + ImportCommand.USAGE + "\n\n" + ExportCommand.USAGE + "\n\n" + CampaignCommand.USAGE + "\n\n"
                + TokenCommand.USAGE);
    }

    /** Where the running platform answers: LOOPLAB_PLATFORM_URL, else localhost on LOOPLAB_PORT. */
    static String platformUrl() {
        return platformUrl(System.getenv());
    }

    /** The same, read from {@code env}: every command that talks to the platform resolves it here. */
    static String platformUrl(java.util.Map<String, String> env) {
        String url = env.get("LOOPLAB_PLATFORM_URL");
        if (url != null && !url.isBlank()) {
            return url.replaceAll("/+$", "");
        }
        return "http://localhost:" + env.getOrDefault("LOOPLAB_PORT", "8080");
    }

    private static void up(Path root) {
        Stack.Settings settings = Stack.Settings.fromEnvironment(root);
        Path logs = settings.home().resolve("logs");
        Progress progress = Progress.onStandardOutput();
        launcherLog(logs.resolve("launcher.log")).ifPresent(progress::copyTo);
        progress.say("starting Looplab in " + settings.home() + " (logs in " + logs + ")");
        Stack stack;
        try {
            stack = Stack.start(settings, progress);
        } catch (RuntimeException e) {
            progress.close();
            System.err.println("Looplab did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        progress.say("Looplab is up: open " + stack.platformUrl() + "/ (./looplab status shows how it runs;"
                + " a crashed app or service is restarted; Ctrl-C stops everything)");
        progress.say("the browser reads without a token; to start replays or pause campaigns from it, Sign in with"
                + " the admin token in " + PlatformAccess.adminTokenFile(settings.home()));
        progress.close();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                System.out.println("stopping Looplab: apps first, then the services ...");
                stack.close();
                System.out.println("Looplab stopped");
                stopped.countDown();
            }
        };
        // Ctrl-C and SIGTERM are handled here rather than by a shutdown hook: hooks all run at once, and the
        // services' own hooks would stop PostgreSQL and Kafka under the apps still shutting down.
        for (String signal : List.of("INT", "TERM")) {
            Signal.handle(new Signal(signal), s -> {
                if (stopping.get()) {
                    System.out.println("still stopping Looplab (kill -9 " + ProcessHandle.current().pid()
                            + " abandons it)");
                    return;
                }
                new Thread(() -> {
                    stop.run();
                    System.exit(0);
                }, "looplab-stop").start();
            });
        }
        // any other way out of the JVM (SIGHUP, an error) still stops everything
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "looplab-stop-hook"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies the launcher's log lines (supervision, crashes) to {@code file}, besides the console. */
    private static Optional<Handler> launcherLog(Path file) {
        try {
            Files.createDirectories(file.getParent());
            FileHandler handler = new FileHandler(file.toString(), true);
            handler.setFormatter(new PatternFormatter("%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{1}] %s%e%n"));
            handler.setAutoFlush(true);
            java.util.logging.Logger.getLogger("").addHandler(handler);
            return Optional.of(handler);
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot write the launcher's log " + file + " (" + e.getMessage() + "); logging to the"
                    + " console only");
            return Optional.empty();
        }
    }
}
