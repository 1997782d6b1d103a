package dev.looplab.lineage.note;

/** A note whose JSON block does not read as that kind of note; the message names the field. */
public final class MalformedNoteException extends RuntimeException {
    MalformedNoteException(String message) {
        super(message);
    }

    MalformedNoteException(String message, Throwable cause) {
        super(message, cause);
    }
}
