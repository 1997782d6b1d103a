package dev.looplab.proposer.platform;

/** The platform could not be asked or answered with an unexpected status; a later tick retries. */
public class PlatformException extends RuntimeException {
    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }

    public PlatformException(String message) {
        super(message);
    }
}
