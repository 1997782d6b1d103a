package dev.looplab.platform.metrics;

/** A series of a trial's attempt: its name, how many points it has and the steps they span. */
public record MetricSummary(String name, long points, long firstStep, long lastStep) {
}
