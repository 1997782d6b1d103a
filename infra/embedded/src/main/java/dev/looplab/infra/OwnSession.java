package dev.looplab.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a child in a session of its own (setsid), so a Ctrl-C in the terminal reaches only the process that
 * started it, which then stops its children in order (apps before the services they need).
 */
public final class OwnSession {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private OwnSession() {
    }

    /**
     * Returns {@code command} prefixed with setsid when the machine has it; setsid execs the command in the same
     * process (a child of a JVM is no group leader), so the pid stays the child's own.
     */
    public static List<String> command(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> detached = new ArrayList<>(command.size() + 1);
        detached.add(SETSID.toString());
        detached.addAll(command);
        return detached;
    }
}
