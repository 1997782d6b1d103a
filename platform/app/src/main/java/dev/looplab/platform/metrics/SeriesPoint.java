package dev.looplab.platform.metrics;

/** One point of a stored series as the API serves it. */
public record SeriesPoint(long step, double value, double wallclock) {
}
