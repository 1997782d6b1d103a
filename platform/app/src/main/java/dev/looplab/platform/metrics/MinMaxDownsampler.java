package dev.looplab.platform.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Thins a series to at most {@code maxPoints}: the first and last point, then for each of
 * {@code (maxPoints - 2) / 2} equal runs of the points between them, the run's lowest and highest
 * point in step order. Unlike LTTB it never drops an extreme, so a loss spike or a divergence stays
 * visible however long the run; it is one pass and needs no look-ahead.
 */
final class MinMaxDownsampler {
    static final String METHOD = "min-max per bucket";

    private final long total;
    private final long buckets;
    private final List<SeriesPoint> kept = new ArrayList<>();
    private long index;
    private long bucket = -1;
    private SeriesPoint min;
    private SeriesPoint max;
    private SeriesPoint last;

    /** A downsampler for a series of {@code total} points, fed in step order through {@link #add}. */
    MinMaxDownsampler(long total, int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be at least 4 (first, last, one min and one max)");
        }
        this.total = total;
        this.buckets = total <= maxPoints ? 0 : (maxPoints - 2) / 2;
    }

    boolean thins() {
        return buckets > 0;
    }

    void add(SeriesPoint point) {
        long i = index++;
        if (buckets == 0 || i == 0) {
            kept.add(point);
            return;
        }
        if (i == total - 1) {
            last = point;
            return;
        }
        long b = (i - 1) * buckets / (total - 2);
        if (b != bucket) {
            emitBucket();
            bucket = b;
        }
        if (min == null || point.value() < min.value()) {
            min = point;
        }
        if (max == null || point.value() > max.value()) {
            max = point;
        }
    }

    List<SeriesPoint> result() {
        if (buckets > 0) {
            emitBucket();
            if (last != null) {
                kept.add(last);
            }
        }
        return kept;
    }

    private void emitBucket() {
        if (min == null) {
            return;
        }
        if (min == max) {
            kept.add(min);
        } else if (min.step() < max.step()) {
            kept.add(min);
            kept.add(max);
        } else {
            kept.add(max);
            kept.add(min);
        }
        min = null;
        max = null;
    }
}
