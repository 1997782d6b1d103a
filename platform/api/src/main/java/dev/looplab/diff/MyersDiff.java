package dev.looplab.diff;

import java.util.Arrays;
import java.util.List;

/**
 * Myers' O(ND) diff, bisecting each region at the middle of its shortest edit script from both ends, for the regions
 * the histogram leaves to it. It keeps JGit's choices where several scripts are equally short (and the snakes read
 * the bounds of the region bisected last, as JGit's do), so diffs stay the bytes JGit wrote.
 */
final class MyersDiff {

    private final Lines a;
    private final Lines b;
    private final List<Edit> edits;
    private final Paths forward = new Paths(true);
    private final Paths backward = new Paths(false);
    // The region bisected last; the snakes stop at its bounds.
    private int beginA;
    private int endA;
    private int beginB;
    private int endB;
    private Edit middle;

    private MyersDiff(Lines a, Lines b, List<Edit> edits) {
        this.a = a;
        this.b = b;
        this.edits = edits;
    }

    /** Appends the edits of {@code region} to {@code edits}, in order. */
    static void diff(Lines a, Lines b, Edit region, List<Edit> edits) {
        MyersDiff myers = new MyersDiff(a, b, edits);
        myers.beginA = region.beginA;
        myers.endA = region.endA;
        myers.beginB = region.beginB;
        myers.endB = region.endB;
        int k = myers.beginB - myers.beginA;
        myers.beginA = myers.forward.snake(k, myers.beginA);
        myers.beginB = k + myers.beginA;
        k = myers.endB - myers.endA;
        myers.endA = myers.backward.snake(k, myers.endA);
        myers.endB = k + myers.endA;
        if (myers.beginA < myers.endA || myers.beginB < myers.endB) {
            myers.split(myers.beginA, myers.endA, myers.beginB, myers.endB);
        }
    }

    private void split(int fromA, int toA, int fromB, int toB) {
        Edit edit = bisect(fromA, toA, fromB, toB);
        if (fromA < edit.beginA || fromB < edit.beginB) {
            int k = edit.beginB - edit.beginA;
            int x = backward.snake(k, edit.beginA);
            split(fromA, x, fromB, k + x);
        }
        if (!edit.isEmpty()) {
            edits.add(edit);
        }
        if (toA > edit.endA || toB > edit.endB) {
            int k = edit.endB - edit.endA;
            int x = forward.snake(k, edit.endA);
            split(x, toA, k + x, toB);
        }
    }

    /** The middle edit of the shortest script for the region, found where the forward and backward paths meet. */
    private Edit bisect(int fromA, int toA, int fromB, int toB) {
        if (fromA == toA || fromB == toB) {
            return new Edit(fromA, toA, fromB, toB);
        }
        beginA = fromA;
        endA = toA;
        beginB = fromB;
        endB = toB;
        // k is a diagonal: the position in b minus the position in a.
        int minK = fromB - toA;
        int maxK = toB - fromA;
        forward.start(fromB - fromA, fromA, minK, maxK);
        backward.start(toB - toA, toA, minK, maxK);
        for (int d = 1; ; d++) {
            if (forward.step(d) || backward.step(d)) {
                return middle;
            }
        }
    }

    private static long snake(int k, int x) {
        return ((long) x << 32) | (k + x);
    }

    private void middle(long from, long to) {
        int x1 = (int) (from >>> 32);
        int y1 = (int) from;
        int x2 = (int) (to >>> 32);
        int y2 = (int) to;
        // Paths that met without overlapping: an empty edit at the end of one snake decides in the next round.
        if (x1 > x2 || y1 > y2) {
            x1 = x2;
            y1 = y2;
        }
        middle = new Edit(x1, x2, y1, y2);
    }

    /**
     * The furthest reaching paths with d differences from one end, one per diagonal {@code middleK - d, ..., middleK
     * + d} (two apart), each with the last snake on it; index {@code (d + k - middleK) / 2}.
     */
    private final class Paths {
        private final boolean isForward;
        private int[] xs = new int[16];
        private long[] snakes = new long[16];
        private int size;
        private int beginK;
        private int endK;
        private int middleK;
        private int prevBeginK;
        private int prevEndK;
        private int minK;
        private int maxK;

        Paths(boolean isForward) {
            this.isForward = isForward;
        }

        void start(int k, int x, int minK, int maxK) {
            this.minK = minK;
            this.maxK = maxK;
            beginK = k;
            endK = k;
            middleK = k;
            size = 0;
            set(0, x, MyersDiff.snake(k, x));
        }

        /** Follows equal lines from (x, k + x), towards the end or the start of the region. */
        int snake(int k, int x) {
            if (isForward) {
                for (; x < endA && k + x < endB; x++) {
                    if (!a.same(x, b, k + x)) {
                        break;
                    }
                }
            } else {
                for (; x > beginA && k + x > beginB; x--) {
                    if (!a.same(x - 1, b, k + x - 1)) {
                        break;
                    }
                }
            }
            return x;
        }

        private Paths other() {
            return isForward ? backward : forward;
        }

        private int index(int d, int k) {
            if ((d + k - middleK) % 2 != 0) {
                throw new IllegalStateException("diagonal " + k + " has the wrong parity for " + d + " differences");
            }
            return (d + k - middleK) / 2;
        }

        private int x(int d, int k) {
            return xs[checked(index(d, k), k)];
        }

        private long snakeAt(int d, int k) {
            return snakes[checked(index(d, k), k)];
        }

        private int checked(int index, int k) {
            if (k < beginK || k > endK || index >= size) {
                throw new IllegalStateException("diagonal " + k + " is outside " + beginK + ".." + endK);
            }
            return index;
        }

        private void set(int index, int x, long snake) {
            if (index > size) {
                throw new IllegalStateException("path " + index + " set before path " + size);
            }
            if (index == xs.length) {
                xs = Arrays.copyOf(xs, index * 2);
                snakes = Arrays.copyOf(snakes, index * 2);
            }
            xs[index] = x;
            snakes[index] = snake;
            size = Math.max(size, index + 1);
        }

        private int inRange(int k) {
            // Keeps the parity of k.
            if (k < minK) {
                return minK + ((k ^ minK) & 1);
            }
            if (k > maxK) {
                return maxK - ((k ^ maxK) & 1);
            }
            return k;
        }

        /** Extends every path by one difference; true once a path meets the other end's (then {@code middle} is set). */
        boolean step(int d) {
            prevBeginK = beginK;
            prevEndK = endK;
            beginK = inRange(middleK - d);
            endK = inRange(middleK + d);
            // Downwards, so each index is read for d - 1 before it is written for d.
            for (int k = endK; k >= beginK; k -= 2) {
                int left = -1;
                int right = -1;
                long leftSnake = -1L;
                long rightSnake = -1L;
                if (k > prevBeginK) {
                    int i = index(d - 1, k - 1);
                    left = xs[i];
                    int end = snake(k - 1, left);
                    leftSnake = left != end ? MyersDiff.snake(k - 1, end) : snakes[i];
                    if (meets(d, k - 1, end, leftSnake)) {
                        return true;
                    }
                    left = isForward ? end : end - 1;
                }
                if (k < prevEndK) {
                    int i = index(d - 1, k + 1);
                    right = xs[i];
                    int end = snake(k + 1, right);
                    rightSnake = right != end ? MyersDiff.snake(k + 1, end) : snakes[i];
                    if (meets(d, k + 1, end, rightSnake)) {
                        return true;
                    }
                    right = isForward ? end + 1 : end;
                }
                boolean takeLeft = k >= prevEndK
                        || (k > prevBeginK && (isForward ? left > right : left < right));
                int x = takeLeft ? left : right;
                long snake = takeLeft ? leftSnake : rightSnake;
                if (meets(d, k, x, snake)) {
                    return true;
                }
                narrow(k, x);
                set(index(d, k), x, snake);
            }
            return false;
        }

        // A path that reached the region's edge bounds the diagonals still worth extending on its side.
        private void narrow(int k, int x) {
            boolean atEdge = isForward ? x >= endA || k + x >= endB : x <= beginA || k + x <= beginB;
            if (atEdge) {
                if (k > other().middleK) {
                    maxK = k;
                } else {
                    minK = k;
                }
            }
        }

        private boolean meets(int d, int k, int x, long snake) {
            Paths other = other();
            if (k < other.beginK || k > other.endK) {
                return false;
            }
            // The backward paths are one step behind while the forward ones take step d.
            int otherD = isForward ? d - 1 : d;
            if ((otherD + k - other.middleK) % 2 != 0) {
                return false;
            }
            if (isForward ? x < other.x(otherD, k) : x > other.x(otherD, k)) {
                return false;
            }
            if (isForward) {
                middle(snake, other.snakeAt(otherD, k));
            } else {
                middle(other.snakeAt(otherD, k), snake);
            }
            return true;
        }
    }
}
