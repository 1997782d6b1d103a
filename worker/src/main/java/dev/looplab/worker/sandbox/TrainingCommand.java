package dev.looplab.worker.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One training process to run: the command line (already wrapped by its sandbox), its working
 * directory, the complete environment it sees, the file that receives its stdout and stderr, its
 * time limits and the limits the worker watches its process tree against. The budget counts wall
 * seconds, or with {@link Clock#CPU} CPU seconds of the process tree under a wall-clock {@code ceiling}.
 */
public record TrainingCommand(
        List<String> command,
        Path workingDir,
        Map<String, String> environment,
        Path log,
        Duration budget,
        Duration grace,
        SandboxLimits limits,
        Clock clock,
        Duration ceiling) {

    /** What the budget counts. */
    public enum Clock {
        /** Seconds on the clock since the process started. */
        WALL,
        /** CPU seconds (user + system) of the whole process tree, so a busy machine does not shrink the budget. */
        CPU
    }

    public TrainingCommand {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("a training command needs at least the program to run");
        }
        if (budget == null || budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("training budget must be positive, got " + budget);
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        grace = grace == null ? Duration.ZERO : grace;
        limits = limits == null ? SandboxLimits.NONE : limits;
        clock = clock == null ? Clock.WALL : clock;
        Duration deadline = budget.plus(grace);
        // the ceiling never stops a run before its own budget and grace could
        ceiling = ceiling == null || ceiling.compareTo(deadline) < 0 ? deadline : ceiling;
    }

    /** A command whose budget counts wall seconds. */
    public TrainingCommand(List<String> command, Path workingDir, Map<String, String> environment, Path log,
                           Duration budget, Duration grace, SandboxLimits limits) {
        this(command, workingDir, environment, log, budget, grace, limits, Clock.WALL, null);
    }

    /** A command whose process tree is watched only against its deadline. */
    public TrainingCommand(List<String> command, Path workingDir, Map<String, String> environment, Path log,
                           Duration budget, Duration grace) {
        this(command, workingDir, environment, log, budget, grace, SandboxLimits.NONE);
    }

    /** The grace after the budget before the process tree is killed: the larger of {@code floor} and 25% of it. */
    public static Duration graceFor(Duration budget, Duration floor) {
        Duration quarter = budget.dividedBy(4);
        return quarter.compareTo(floor) > 0 ? quarter : floor;
    }

    /**
     * The wall-clock ceiling of a CPU budget: {@code factor} times the budget, so a recipe that sleeps or
     * waits on I/O still ends; the factor must be at least 1.
     */
    public static Duration ceilingFor(Duration budget, double factor) {
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("looplab.worker.wall-ceiling-factor (LOOPLAB_WORKER_WALL_CEILING_FACTOR) "
                    + "must be a number >= 1 (the wall-clock ceiling as a multiple of a CPU budget, default 3), not "
                    + factor);
        }
        return Duration.ofNanos((long) (budget.toNanos() * factor));
    }

    /** {@code looplab.worker.wall-ceiling-factor} as given (text), checked: a number >= 1. */
    public static double ceilingFactor(String text) {
        double factor;
        try {
            factor = Double.parseDouble(text == null ? "" : text.strip());
        } catch (NumberFormatException e) {
            factor = Double.NaN;
        }
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("looplab.worker.wall-ceiling-factor (LOOPLAB_WORKER_WALL_CEILING_FACTOR) "
                    + "is '" + text + "': set a number >= 1, the wall-clock ceiling of a CPU budget as a multiple "
                    + "of it (default 3)");
        }
        return factor;
    }

    /** When the worker kills the process tree: budget plus grace, on the budget's clock. */
    public Duration deadline() {
        return budget.plus(grace);
    }

    /** How long the tree may run on the wall clock: the deadline for a wall budget, the ceiling for a CPU budget. */
    public Duration wallLimit() {
        return clock == Clock.CPU ? ceiling : deadline();
    }
}
