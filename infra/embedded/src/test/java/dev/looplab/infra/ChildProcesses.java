package dev.looplab.infra;

import java.util.List;

/** What the tests check after a stop: which descendants of this JVM are still alive. */
final class ChildProcesses {

    private ChildProcesses() {
    }

    /** Returns the live descendants of this JVM whose command line mentions {@code marker}. */
    static List<ProcessHandle> alive(String marker) {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }
}
