package dev.looplab.worker.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One training process to run: the command line, its working directory, the complete
 * environment it sees, the file that receives its stdout and stderr, and its time limits.
 */
public record TrainingCommand(
        List<String> command,
        Path workingDir,
        Map<String, String> environment,
        Path log,
        Duration budget,
        Duration grace) {

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
