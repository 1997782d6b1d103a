package dev.looplab.worker.sandbox;

/** How a training process ended: its exit code ({@code -1} when killed), whether it ran past its deadline, and its wall time. */
public record TrainingResult(int exitCode, boolean timedOut, double seconds) {
}
