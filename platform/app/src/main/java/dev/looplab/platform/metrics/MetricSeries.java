package dev.looplab.platform.metrics;

import java.util.List;

/**
 * One named series of a trial's attempt: {@code totalPoints} stored, {@code points} served (thinned by
 * {@code method} when {@code downsampled}).
 */
public record MetricSeries(String trialId, int attempt, String name, long totalPoints, boolean downsampled,
                           String method, List<SeriesPoint> points) {
}
