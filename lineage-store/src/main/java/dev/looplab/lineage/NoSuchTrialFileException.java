package dev.looplab.lineage;

/** A path the trial's commit does not hold as a file. */
public class NoSuchTrialFileException extends LineageException {

    public NoSuchTrialFileException(String message) {
        super(message);
    }
}
