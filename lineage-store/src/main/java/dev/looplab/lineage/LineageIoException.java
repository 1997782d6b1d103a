package dev.looplab.lineage;

/** The Git repository could not be read or written (disk, permissions, a ref race that did not settle). */
public class LineageIoException extends LineageException {

    public LineageIoException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
