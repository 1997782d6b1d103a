package dev.looplab.trial;

/** Whether a lower or a higher score is better for a task. */
public enum Direction {
    lower, higher;

    /** True when {@code candidate} is strictly better than {@code reference}. */
    public boolean better(double candidate, double reference) {
        return this == lower ? candidate < reference : candidate > reference;
    }

    /** The signed improvement of {@code candidate} over {@code reference} (positive is better). */
    public double improvement(double candidate, double reference) {
        return this == lower ? reference - candidate : candidate - reference;
    }
}
