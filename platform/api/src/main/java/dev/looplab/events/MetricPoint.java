package dev.looplab.events;

/**
 * One point of a training curve as a recipe writes it to {@code LOOPLAB_METRICS} (one JSON object per
 * line: step, name, value, wallclock seconds since training started).
 */
public record MetricPoint(long step, String name, double value, double wallclock) {
}
