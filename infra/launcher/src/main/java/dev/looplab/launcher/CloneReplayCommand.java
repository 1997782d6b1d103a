package dev.looplab.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code looplab replay --clone <url-or-folder> <trial>}: replays a trial from a clone of its lineage on this
 * machine, without a platform, Kafka, PostgreSQL or S3. The replay runs in a JVM of its own on the built worker's
 * classes ({@code dev.looplab.worker.replay.CloneReplayMain}), which trains the trial's commit with its recorded
 * seed and steps in the worker's sandbox, scores it with the task's evaluator and prints the platform's verdict.
 * Exit 0 identical or within noise, 3 differs, 2 bad input.
 */
final class CloneReplayCommand {
    static final String MAIN = "dev.looplab.worker.replay.CloneReplayMain";
    static final String USAGE = """
            usage: looplab replay --clone <url-or-folder> <trial-id> [--same-budget]
              Runs the trial from a clone of its lineage on this machine, without a platform, Kafka, PostgreSQL or
              S3: a folder (a git clone whose notes were fetched: git fetch origin 'refs/notes/*:refs/notes/*') or
              the lineage's URL (<platform>/git/<task>.git). The seed, steps and budget come from the trial's outcome
              note and fingerprint; it trains in the worker's sandbox (LOOPLAB_WORKER_SANDBOX=unsafe runs it
              unconfined), the task's evaluator scores it, and the verdict is the platform's: identical,
              within_noise or differs (exit 0, 0, 3; 2 on bad input). Artifacts and replay.json stay in
              LOOPLAB_HOME/replays/.""";

    private CloneReplayCommand() {
    }

    /** Runs the replay in a child JVM with {@code args} (the command's, {@code replay} left out); its exit code. */
    static int run(List<String> args, Path root, PrintStream err) {
        Path app = root.resolve("worker").resolve("target").resolve("quarkus-app");
        List<String> command;
        try {
            command = command(args, root, app);
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 2;
        }
        try {
            Process replay = new ProcessBuilder(command).inheritIO().start();
            try {
                return replay.waitFor();
            } catch (InterruptedException e) {
                replay.destroy();
                Thread.currentThread().interrupt();
                return 2;
            }
        } catch (IOException e) {
            err.println("cannot start the replay (" + String.join(" ", command.subList(0, 1)) + "): " + e.getMessage());
            return 2;
        }
    }

    /** The child JVM's command line; fails naming the build to run when the worker is not built. */
    static List<String> command(List<String> args, Path root, Path app) {
        Path appJars = app.resolve("app");
        if (!Files.isDirectory(appJars) || !Files.isDirectory(app.resolve("lib").resolve("main"))) {
            throw new IllegalStateException("looplab replay --clone runs the trial with the worker's classes, and the"
                    + " worker is not built (" + app + " is missing): run ./mvnw -B package -pl worker -am -DskipTests"
                    + " in " + root + " (./looplab up builds it too)");
        }
        String classpath = String.join(java.io.File.pathSeparator, appJars.resolve("*").toString(),
                app.resolve("lib").resolve("main").resolve("*").toString(),
                app.resolve("lib").resolve("boot").resolve("*").toString());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the log manager the worker's jars expect (without it the JDK's loggers complain), minus Quarkus
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dlooplab.root=" + root,
                "-cp", classpath, MAIN));
        command.addAll(args);
        command.addAll(List.of("--recipes", root.resolve("recipes").toString()));
        return command;
    }
}
