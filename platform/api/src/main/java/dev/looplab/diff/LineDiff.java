package dev.looplab.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * The changed regions between two texts, line by line, as git's histogram diff finds them (JGit's
 * {@code HistogramDiff} with its Myers fallback): common lines at both ends are set aside, the rest is split at
 * its rarest common lines, and an added or removed block slides down over lines equal to its own first line.
 */
final class LineDiff {

    private LineDiff() {
    }

    /** The regions that differ, in order; empty when the texts have the same lines. */
    static List<Edit> edits(Lines a, Lines b) {
        Edit region = new Edit(0, a.size(), 0, b.size());
        while (region.beginA < region.endA && region.beginB < region.endB
                && a.same(region.beginA, b, region.beginB)) {
            region.beginA++;
            region.beginB++;
        }
        while (region.beginA < region.endA && region.beginB < region.endB
                && a.same(region.endA - 1, b, region.endB - 1)) {
            region.endA--;
            region.endB--;
        }
        if (region.isEmpty()) {
            return List.of();
        }
        if (!region.replaces() || (region.lengthA() == 1 && region.lengthB() == 1)) {
            return List.of(region);
        }
        List<Edit> edits = new ArrayList<>();
        new HistogramDiff(a, b, edits).diff(region);
        slideDown(edits, a, b);
        return edits;
    }

    /**
     * Moves each pure insertion or deletion as far down as the lines after it repeat its first line, up to the next
     * region, so equal diffs come out alike ("add b after b" rather than before it), as git prints them.
     */
    private static void slideDown(List<Edit> edits, Lines a, Lines b) {
        Edit next = null;
        for (int i = edits.size() - 1; i >= 0; i--) {
            Edit edit = edits.get(i);
            int maxA = next == null ? a.size() : next.beginA;
            int maxB = next == null ? b.size() : next.beginB;
            if (edit.beginA == edit.endA && edit.beginB < edit.endB) {
                while (edit.endA < maxA && edit.endB < maxB && b.same(edit.beginB, b, edit.endB)) {
                    edit.shift(1);
                }
            } else if (edit.beginA < edit.endA && edit.beginB == edit.endB) {
                while (edit.endA < maxA && edit.endB < maxB && a.same(edit.beginA, a, edit.endA)) {
                    edit.shift(1);
                }
            }
            next = edit;
        }
    }
}
