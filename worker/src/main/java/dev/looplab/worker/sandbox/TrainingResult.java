package dev.looplab.worker.sandbox;

/**
 * How a training process ended: its exit code ({@code -1} when killed), whether it ran past its deadline,
 * its wall time, and which sandbox limit it hit, in words for the trial's feedback (empty when none).
 */
public record TrainingResult(int exitCode, boolean timedOut, double seconds, String limitReached) {

    public TrainingResult {
        limitReached = limitReached == null ? "" : limitReached;
    }

    public TrainingResult(int exitCode, boolean timedOut, double seconds) {
        this(exitCode, timedOut, seconds, "");
    }

    public boolean hitALimit() {
        return !limitReached.isEmpty();
    }
}
