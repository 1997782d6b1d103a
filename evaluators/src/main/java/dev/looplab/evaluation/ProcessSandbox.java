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

    /**
     * The command prefix that confines whatever command line follows it, as {@link #wrap} would: for a trusted
     * process that starts the trial's code itself (a Python scorer starts the recipe's model in its own process).
     *
     * @throws IllegalStateException when this sandbox does not put the command last
     */
    default List<String> prefix(Path workDir, List<Path> readOnly, List<Path> writable) {
        String marker = "looplab-command-" + Long.toHexString(System.nanoTime());
        List<String> wrapped = wrap(List.of(marker), workDir, readOnly, writable);
        if (wrapped.isEmpty() || !marker.equals(wrapped.get(wrapped.size() - 1))
                || wrapped.indexOf(marker) != wrapped.size() - 1) {
            throw new IllegalStateException(getClass().getName() + " does not end its command line with the confined "
                    + "command, so it cannot confine a command another process starts");
        }
        return List.copyOf(wrapped.subList(0, wrapped.size() - 1));
    }
}
