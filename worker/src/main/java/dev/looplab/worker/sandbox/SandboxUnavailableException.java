package dev.looplab.worker.sandbox;

/** The configured sandbox cannot confine processes on this machine; the message says how to fix that. */
public final class SandboxUnavailableException extends IllegalStateException {

    public SandboxUnavailableException(String message) {
        super(message);
    }
}
