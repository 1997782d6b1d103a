package dev.looplab.diff;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A text as git compares it: UTF-8 lines, each with its newline, each hashed once. */
final class Lines {

    private final byte[] content;
    // Line i is content[starts[i], starts[i + 1]); the last entry is the content's length.
    private final int[] starts;
    private final int[] hashes;

    Lines(String text) {
        content = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
        int count = 0;
        for (byte b : content) {
            if (b == '\n') {
                count++;
            }
        }
        if (content.length > 0 && content[content.length - 1] != '\n') {
            count++;
        }
        starts = new int[count + 1];
        for (int at = 0, line = 1; at < content.length; at++) {
            if (content[at] == '\n' && line < count) {
                starts[line++] = at + 1;
            }
        }
        starts[count] = content.length;
        hashes = new int[count];
        for (int i = 0; i < count; i++) {
            hashes[i] = hash(starts[i], starts[i + 1]);
        }
    }

    // The djb2 hash git and JGit use for lines; the histogram's buckets, and so its fallbacks, depend on it.
    private int hash(int from, int to) {
        int hash = 5381;
        for (int at = from; at < to; at++) {
            hash = (hash << 5) + hash + (content[at] & 0xff);
        }
        return hash;
    }

    int size() {
        return hashes.length;
    }

    int hash(int line) {
        return hashes[line];
    }

    /** True when line {@code i} of this text has the same bytes, newline included, as line {@code j} of {@code other}. */
    boolean same(int i, Lines other, int j) {
        return Arrays.equals(content, starts[i], starts[i + 1], other.content, other.starts[j], other.starts[j + 1]);
    }

    /** True when the last line has no newline (an empty text counts as missing one, as in git). */
    boolean missingNewlineAtEnd() {
        return content.length == 0 || content[content.length - 1] != '\n';
    }

    /** Writes line {@code i} without its newline. */
    void writeLine(ByteArrayOutputStream out, int i) {
        int end = starts[i + 1];
        if (content[end - 1] == '\n') {
            end--;
        }
        out.write(content, starts[i], end - starts[i]);
    }
}
