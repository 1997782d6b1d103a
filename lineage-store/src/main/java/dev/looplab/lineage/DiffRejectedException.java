package dev.looplab.lineage;

/** A trial's diff was refused (unparseable, escapes the recipe, does not apply, ...); nothing was written. */
public class DiffRejectedException extends LineageException {

    public DiffRejectedException(String message) {
        super(message);
    }
}
