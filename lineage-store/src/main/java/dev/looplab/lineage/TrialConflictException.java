package dev.looplab.lineage;

/**
 * A trial id that is already recorded with a different parent or content; the existing lineage was
 * left as it was.
 */
public class TrialConflictException extends LineageException {

    public TrialConflictException(String message) {
        super(message);
    }
}
