package dev.looplab.diff;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Splits a changed region at its longest run of common lines whose line occurs least often in the old text, then
 * does the same before and after that run (the histogram diff of git and JGit). A region whose only common lines
 * are too frequent, or whose lines crowd one hash bucket, goes to {@link MyersDiff} as JGit sends it.
 */
final class HistogramDiff {

    // JGit's limit: distinct lines per hash bucket, and how often a line may occur and still be a split point.
    private static final int MAX_CHAIN = 64;

    private final Lines a;
    private final Lines b;
    private final List<Edit> edits;
    private final Deque<Edit> pending = new ArrayDeque<>();

    HistogramDiff(Lines a, Lines b, List<Edit> edits) {
        this.a = a;
        this.b = b;
        this.edits = edits;
    }

    /** Appends the edits of {@code region}, a region that replaces lines and has no common first or last line. */
    void diff(Edit region) {
        split(region);
        while (!pending.isEmpty()) {
            Edit next = pending.pop();
            if (next.isEmpty()) {
                throw new IllegalStateException("empty region " + next + " between two common runs");
            }
            if (!next.replaces() || (next.lengthA() == 1 && next.lengthB() == 1)) {
                edits.add(next);
            } else {
                split(next);
            }
        }
    }

    private void split(Edit region) {
        Edit common = new Histogram(region).longestCommonRun();
        if (common == null) {
            MyersDiff.diff(a, b, region, edits);
        } else if (common.isEmpty()) {
            edits.add(region);
        } else {
            // Before first: the edits come out in order.
            pending.push(region.after(common));
            pending.push(region.before(common));
        }
    }

    /** Occurrence counts of the old text's lines in one region, and the search for the run to split at. */
    private final class Histogram {
        private final Edit region;
        private final int keyShift;
        // Per hash bucket, the first of its distinct lines (a record number; 0 ends a chain).
        private final int[] buckets;
        // Per record (from 1): the next record in its bucket, the line's earliest position and its count.
        private final int[] nextRecord;
        private final int[] firstAt;
        private final int[] count;
        // Per old line of the region: the line's next occurrence (-1 for none) and its record.
        private final int[] nextAt;
        private final int[] recordOf;
        private Edit best = new Edit(0, 0, 0, 0);
        private int bestCount = MAX_CHAIN + 1;
        private boolean hasCommon;

        Histogram(Edit region) {
            this.region = region;
            int lines = region.lengthA();
            int bits = Math.max(1, 31 - Integer.numberOfLeadingZeros(lines));
            if (1 << bits < lines) {
                bits++;
            }
            keyShift = 32 - bits;
            buckets = new int[1 << bits];
            nextRecord = new int[lines + 1];
            firstAt = new int[lines + 1];
            count = new int[lines + 1];
            nextAt = new int[lines];
            recordOf = new int[lines];
        }

        private int bucket(int hash) {
            return (hash * 0x9e370001) >>> keyShift;
        }

        /** The run to split at; empty when nothing is common; null when the region needs the fallback. */
        Edit longestCommonRun() {
            if (!countOldLines()) {
                return null;
            }
            for (int bAt = region.beginB; bAt < region.endB; ) {
                bAt = tryRunsAt(bAt);
            }
            return hasCommon && MAX_CHAIN < bestCount ? null : best;
        }

        // Backwards, so each line's record starts at its earliest occurrence.
        private boolean countOldLines() {
            int records = 0;
            scan:
            for (int at = region.endA - 1; at >= region.beginA; at--) {
                int bucket = bucket(a.hash(at));
                int chain = 0;
                for (int record = buckets[bucket]; record != 0; record = nextRecord[record], chain++) {
                    if (a.same(firstAt[record], a, at)) {
                        count[record]++;
                        nextAt[at - region.beginA] = firstAt[record];
                        firstAt[record] = at;
                        recordOf[at - region.beginA] = record;
                        continue scan;
                    }
                }
                if (chain == MAX_CHAIN) {
                    return false;
                }
                int record = ++records;
                nextRecord[record] = buckets[bucket];
                firstAt[record] = at;
                count[record] = 1;
                buckets[bucket] = record;
                nextAt[at - region.beginA] = -1;
                recordOf[at - region.beginA] = record;
            }
            return true;
        }

        /** Tries every run through new line {@code bAt}; returns the next new line worth trying. */
        private int tryRunsAt(int bAt) {
            int bNext = bAt + 1;
            for (int record = buckets[bucket(b.hash(bAt))]; record != 0; record = nextRecord[record]) {
                if (count[record] > bestCount) {
                    hasCommon = hasCommon || a.same(firstAt[record], b, bAt);
                    continue;
                }
                if (!a.same(firstAt[record], b, bAt)) {
                    continue;
                }
                hasCommon = true;
                for (int aAt = firstAt[record]; ; ) {
                    int next = nextAt[aAt - region.beginA];
                    int as = aAt;
                    int bs = bAt;
                    int ae = aAt + 1;
                    int be = bAt + 1;
                    // The run counts as often as its least frequent line.
                    int occurrences = count[record];
                    while (region.beginA < as && region.beginB < bs && a.same(as - 1, b, bs - 1)) {
                        as--;
                        bs--;
                        if (occurrences > 1) {
                            occurrences = Math.min(occurrences, count[recordOf[as - region.beginA]]);
                        }
                    }
                    while (ae < region.endA && be < region.endB && a.same(ae, b, be)) {
                        if (occurrences > 1) {
                            occurrences = Math.min(occurrences, count[recordOf[ae - region.beginA]]);
                        }
                        ae++;
                        be++;
                    }
                    bNext = Math.max(bNext, be);
                    if (best.lengthA() < ae - as || occurrences < bestCount) {
                        best = new Edit(as, ae, bs, be);
                        bestCount = occurrences;
                    }
                    // Occurrences inside the run just tried would only find it again.
                    while (next >= 0 && next < ae) {
                        next = nextAt[next - region.beginA];
                    }
                    if (next < 0) {
                        break;
                    }
                    aAt = next;
                }
            }
            return bNext;
        }
    }
}
