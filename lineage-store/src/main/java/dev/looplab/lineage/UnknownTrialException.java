package dev.looplab.lineage;

/** A trial id that has no {@code refs/heads/trial/<id>} in this task's lineage. */
public class UnknownTrialException extends LineageException {

    private final String trialId;

    public UnknownTrialException(String trialId, String message) {
        super(message);
        this.trialId = trialId;
    }

    /** The trial id that was looked up. */
    public String trialId() {
        return trialId;
    }
}
