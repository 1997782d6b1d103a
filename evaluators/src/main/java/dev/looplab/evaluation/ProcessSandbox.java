package dev.looplab.evaluation;

import java.nio.file.Path;
import java.util.List;

/**
 * Wraps the command line of an untrusted process (a recipe training or scoring) so that it runs
 * confined: the worker supplies a bubblewrap-based one, tests and trusted callers {@link #NONE}.
 */
@FunctionalInterface
public interface ProcessSandbox {

    /** Runs the command as it is, unconfined. */
    ProcessSandbox NONE = (command, workDir, readOnly, writable) -> List.copyOf(command);

    /**
     * The command line that runs {@code command} in {@code workDir} seeing, besides the system's
     * read-only files, only {@code readOnly} (read-only) and {@code writable} (read-write) paths.
     */
    List<String> wrap(List<String> command, Path workDir, List<Path> readOnly, List<Path> writable);
}
