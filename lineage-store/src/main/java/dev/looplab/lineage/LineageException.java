package dev.looplab.lineage;

/**
 * Root of every failure the lineage store reports; unchecked, and {@link #isRetriable()} says
 * whether the same call may succeed if repeated.
 */
public class LineageException extends RuntimeException {

    public LineageException(String message) {
        super(message);
    }

    public LineageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when repeating the same call may succeed (I/O trouble, lost ref races); false for bad input. */
    public boolean isRetriable() {
        return false;
    }
}
