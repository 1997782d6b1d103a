package dev.looplab.proposer.patch;

/** A diff that is not a unified diff, or that does not apply; the message names the line or hunk and the fix. */
public class PatchException extends RuntimeException {
    public PatchException(String message) {
        super(message);
    }
}
