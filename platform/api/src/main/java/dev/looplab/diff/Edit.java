package dev.looplab.diff;

/**
 * A changed region: lines {@code [beginA, endA)} of the old text become {@code [beginB, endB)} of the new one.
 * Mutable, since the diff narrows and slides regions while it works.
 */
final class Edit {

    int beginA;
    int endA;
    int beginB;
    int endB;

    Edit(int beginA, int endA, int beginB, int endB) {
        this.beginA = beginA;
        this.endA = endA;
        this.beginB = beginB;
        this.endB = endB;
    }

    int lengthA() {
        return endA - beginA;
    }

    int lengthB() {
        return endB - beginB;
    }

    boolean isEmpty() {
        return beginA == endA && beginB == endB;
    }

    /** Lines removed and others added in their place. */
    boolean replaces() {
        return beginA < endA && beginB < endB;
    }

    /** The part of this region before {@code cut}. */
    Edit before(Edit cut) {
        return new Edit(beginA, cut.beginA, beginB, cut.beginB);
    }

    /** The part of this region after {@code cut}. */
    Edit after(Edit cut) {
        return new Edit(cut.endA, endA, cut.endB, endB);
    }

    void shift(int lines) {
        beginA += lines;
        endA += lines;
        beginB += lines;
        endB += lines;
    }

    @Override
    public String toString() {
        return "Edit[" + beginA + "-" + endA + "," + beginB + "-" + endB + "]";
    }
}
