package dev.looplab.worker.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One training process to run: the command line (already wrapped by its sandbox), its working
 * directory, the complete environment it sees, the file that receives its stdout and stderr, its
 * time limits and the limits the worker watches its process tree against.
 */
public record TrainingCommand(
        List<String> command,
        Path workingDir,
        Map<String, String> environment,
        Path log,
        Duration budget,
        Duration grace,
        SandboxLimits limits) {

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

    /** When the worker kills the process tree. */
    public Duration deadline() {
        return budget.plus(grace);
    }
}
