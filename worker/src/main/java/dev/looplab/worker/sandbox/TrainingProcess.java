package dev.looplab.worker.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link TrainingCommand} in its own process group and kills the whole tree when it runs past
 * budget plus grace (or when the waiting thread is interrupted), so no stray trainer outlives its trial.
 */
public final class TrainingProcess {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private TrainingProcess() {
    }

    /** Runs the command to the end or to its deadline; an interrupt kills the tree and is rethrown. */
    public static TrainingResult run(TrainingCommand command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        // a session of its own lets one signal reach every descendant, even ones that re-parent themselves
        boolean ownGroup = Files.isExecutable(SETSID);
        if (ownGroup) {
            argv.add(SETSID.toString());
        }
        argv.addAll(command.command());
        Files.createDirectories(command.log().toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(command.workingDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(command.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(command.environment());

        long started = System.nanoTime();
        Process process = builder.start();
        try {
            boolean exited = process.waitFor(command.deadline().toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                killTree(process, ownGroup);
                return new TrainingResult(-1, true, secondsSince(started));
            }
            // the leader exited; descendants it left behind still belong to the trial
            killTree(process, ownGroup);
            return new TrainingResult(process.exitValue(), false, secondsSince(started));
        } catch (InterruptedException e) {
            killTree(process, ownGroup);
            throw e;
        }
    }

    private static void killTree(Process process, boolean ownGroup) {
        long pid = process.pid();
        List<ProcessHandle> descendants = process.descendants().toList();
        if (ownGroup) {
            try {
                new ProcessBuilder("kill", "-KILL", "--", "-" + pid)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // fall through to the per-process kill below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the process is already sent SIGKILL
        }
    }

    private static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
