package dev.looplab.worker.replay;

/** A replay from a clone that cannot run because of its input (source, trial, note, sandbox); the message says the fix. */
public final class ReplayRefusedException extends RuntimeException {
    public ReplayRefusedException(String message) {
        super(message);
    }

    ReplayRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
