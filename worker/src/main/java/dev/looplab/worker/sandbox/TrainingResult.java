package dev.looplab.worker.sandbox;

/**
 * How a training process ended: its exit code ({@code -1} when killed), whether it ran past its deadline
 * (a budget or the wall-clock ceiling), its wall time, the CPU seconds its process tree used (NaN where
 * they could not be read), and which limit it hit, in words for the trial's feedback (empty when none).
 */
public record TrainingResult(int exitCode, boolean timedOut, double seconds, String limitReached,
                             double cpuSeconds) {

    public TrainingResult {
        limitReached = limitReached == null ? "" : limitReached;
    }

    public TrainingResult(int exitCode, boolean timedOut, double seconds, String limitReached) {
        this(exitCode, timedOut, seconds, limitReached, Double.NaN);
    }

    public TrainingResult(int exitCode, boolean timedOut, double seconds) {
        this(exitCode, timedOut, seconds, "");
    }

    public boolean hitALimit() {
        return !limitReached.isEmpty();
    }

    /** The seconds the budget counted: CPU seconds for a CPU budget (wall when they could not be read). */
    public double budgetedSeconds(TrainingCommand.Clock clock) {
        return clock == TrainingCommand.Clock.CPU && Double.isFinite(cpuSeconds) ? cpuSeconds : seconds;
    }
}
