package dev.looplab.worker.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link TrainingCommand} in its own process group and kills the whole tree when it runs past
 * budget plus grace (wall seconds, or CPU seconds of the tree under a wall-clock ceiling), when it holds
 * more processes or resident memory than its {@link SandboxLimits} allow, or when the waiting thread is
 * interrupted, so no stray trainer outlives its trial.
 */
public final class TrainingProcess {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /** A fork bomb doubles within milliseconds; the watch must look often to stop it early. */
    private static final long WATCH_MILLIS = 50;
    /** Walking /proc for resident memory costs more: every tenth look. */
    private static final int MEMORY_EVERY = 10;
    /** The shell joining the cgroup, bwrap and its init run besides the recipe's own processes. */
    private static final int HELPER_PROCESSES = 3;
    private static final long PAGE_BYTES = 4096;

    private TrainingProcess() {
    }

    /** Runs the command to the end, to its deadline or to a limit; an interrupt kills the tree and is rethrown. */
    public static TrainingResult run(TrainingCommand command) throws IOException, InterruptedException {
        SandboxLimits limits = command.limits();
        // the kernel's own cap where a cgroup is possible; otherwise only the watch below counts processes
        Optional<PidsCgroup> cgroup = limits.limitsProcesses()
                ? PidsCgroup.create(limits.processes() + HELPER_PROCESSES) : Optional.empty();
        try {
            return run(command, cgroup);
        } finally {
            cgroup.ifPresent(PidsCgroup::close);
        }
    }

    private static TrainingResult run(TrainingCommand command, Optional<PidsCgroup> cgroup)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        // a session of its own lets one signal reach every descendant, even ones that re-parent themselves
        boolean ownGroup = Files.isExecutable(SETSID);
        if (ownGroup) {
            argv.add(SETSID.toString());
        }
        argv.addAll(cgroup.map(c -> c.enter(command.command())).orElse(command.command()));
        Files.createDirectories(command.log().toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(command.workingDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(command.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(command.environment());

        long started = System.nanoTime();
        long wallLimit = started + command.wallLimit().toNanos();
        double cpuLimit = command.deadline().toNanos() / 1e9;
        Process process = builder.start();
        CpuMeter cpu = cgroup.flatMap(PidsCgroup::cpuMeter).orElseGet(() -> CpuMeter.ofProcessTree(process.toHandle()));
        double used = 0;
        try {
            for (int look = 1; !process.waitFor(Math.min(WATCH_MILLIS, remainingMillis(wallLimit)),
                    TimeUnit.MILLISECONDS); look++) {
                // read every look: after the leader exits its tree's /proc times are gone
                used = cpu.seconds();
                if (command.clock() == TrainingCommand.Clock.CPU && used >= cpuLimit) {
                    killTree(process, ownGroup);
                    return new TrainingResult(-1, true, secondsSince(started),
                            cpuBudgetHit(command, used, secondsSince(started), cpu), used);
                }
                if (System.nanoTime() >= wallLimit) {
                    killTree(process, ownGroup);
                    return new TrainingResult(-1, true, secondsSince(started),
                            wallLimitHit(command, used, secondsSince(started)), used);
                }
                String breach = breachOf(process, command.limits(), cgroup, look % MEMORY_EVERY == 0);
                if (breach != null) {
                    killTree(process, ownGroup);
                    return new TrainingResult(-1, false, secondsSince(started), breach, used);
                }
            }
            double seconds = secondsSince(started);
            // a cgroup still counts the exited tree; /proc no longer shows it, so its last reading stands
            used = Math.max(used, cpu.seconds());
            // the leader exited; descendants it left behind still belong to the trial
            killTree(process, ownGroup);
            int exit = process.exitValue();
            return new TrainingResult(exit, false, seconds,
                    exit == 0 ? "" : TrainLog.limitReached(command.log(), exit, command.limits()), used);
        } catch (InterruptedException e) {
            killTree(process, ownGroup);
            throw e;
        }
    }

    private static String cpuBudgetHit(TrainingCommand command, double cpuSeconds, double wallSeconds, CpuMeter cpu) {
        return String.format(Locale.ROOT, "CPU budget reached: the recipe's processes used %.1f CPU s, past the "
                        + "%d s budget + %d s grace (%.1f s on the wall clock; counted by %s) and were killed: "
                        + "train fewer steps or a cheaper model",
                cpuSeconds, command.budget().toSeconds(), command.grace().toSeconds(), wallSeconds, cpu.source());
    }

    private static String wallLimitHit(TrainingCommand command, double cpuSeconds, double wallSeconds) {
        if (command.clock() == TrainingCommand.Clock.CPU) {
            return String.format(Locale.ROOT, "wall-clock ceiling reached: the recipe ran %.1f s on the wall clock "
                            + "(ceiling %d s for a %d s CPU budget) having used only %.1f CPU s, and was killed: a "
                            + "recipe must compute, not sleep or wait (looplab.worker.wall-ceiling-factor sets the "
                            + "ceiling)",
                    wallSeconds, command.ceiling().toSeconds(), command.budget().toSeconds(), cpuSeconds);
        }
        return String.format(Locale.ROOT, "wall-clock budget reached: the recipe ran %.1f s, past the %d s budget + "
                        + "%d s grace, and was killed: train fewer steps or a cheaper model",
                wallSeconds, command.budget().toSeconds(), command.grace().toSeconds());
    }

    /** The limit the running tree is over, in words, or null. */
    private static String breachOf(Process process, SandboxLimits limits, Optional<PidsCgroup> cgroup,
                                   boolean lookAtMemory) {
        boolean countHere = limits.limitsProcesses() && cgroup.isEmpty();
        boolean weighMemory = limits.limitsMemory() && lookAtMemory;
        boolean overProcesses = cgroup.map(PidsCgroup::limitHit).orElse(false);
        if (!countHere && !weighMemory && !overProcesses) {
            return null;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        if (countHere || weighMemory) {
            tree.addAll(process.descendants().toList());
            overProcesses |= countHere && tree.size() > limits.processes() + HELPER_PROCESSES;
        }
        if (overProcesses) {
            return "process limit " + limits.processes() + " reached: the recipe started more than "
                    + limits.processes() + " processes or threads at once and was killed; train in one process or a few "
                    + "workers (looplab.worker.processes raises the limit)";
        }
        if (weighMemory) {
            tree.add(process.toHandle());
            long resident = tree.stream().mapToLong(TrainingProcess::residentBytes).sum();
            if (resident > limits.memoryBytes()) {
                return String.format(Locale.ROOT, "killed: out of memory (limit %d MiB, the recipe's processes held "
                        + "%d MiB): use a smaller model or batch (looplab.worker.memory-mib raises the limit)",
                        limits.memoryMiB(), resident / (1024 * 1024));
            }
        }
        return null;
    }

    private static long residentBytes(ProcessHandle handle) {
        try {
            String statm = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "statm"),
                    StandardCharsets.US_ASCII);
            return Long.parseLong(statm.split(" ")[1]) * PAGE_BYTES;
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
            return 0;
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
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
