package dev.looplab.diff;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A git-style unified diff of one file, the form a proposal carries and the lineage applies: {@code diff --git a/p
 * b/p}, {@code ---}/{@code +++}, hunks with 3 lines of context, lines matched by git's histogram algorithm. The
 * bytes are those JGit's {@code DiffFormatter} writes, without depending on it.
 */
public final class UnifiedDiff {

    private static final int CONTEXT_LINES = 3;
    private static final byte[] NO_NEWLINE = "\\ No newline at end of file\n".getBytes(StandardCharsets.US_ASCII);

    private UnifiedDiff() {
    }

    /**
     * The diff from {@code oldText} to {@code newText} of the file at {@code path} (relative to the recipe root). A
     * null {@code oldText} adds the file, a null {@code newText} deletes it; equal texts give the empty string.
     *
     * @throws IllegalArgumentException if the path is not a safe relative recipe path, or both texts are null
     */
    public static String of(String path, String oldText, String newText) {
        String problem = RecipePaths.problem(path);
        if (problem != null) {
            throw new IllegalArgumentException("path '" + path + "' " + problem + "; pass a path relative to the recipe root");
        }
        if (oldText == null && newText == null) {
            throw new IllegalArgumentException("unifiedDiff of '" + path + "' needs an old or a new text");
        }
        Lines a = new Lines(oldText);
        Lines b = new Lines(newText);
        List<Edit> edits = LineDiff.edits(a, b);
        boolean addOrDelete = oldText == null || newText == null;
        if (edits.isEmpty() && !addOrDelete) {
            return "";
        }
        StringBuilder header = new StringBuilder("diff --git a/" + path + " b/" + path + "\n");
        if (oldText == null) {
            header.append("new file mode 100644\n--- /dev/null\n+++ b/").append(path).append('\n');
        } else if (newText == null) {
            header.append("deleted file mode 100644\n--- a/").append(path).append("\n+++ /dev/null\n");
        } else {
            header.append("--- a/").append(path).append("\n+++ b/").append(path).append('\n');
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.toString().getBytes(StandardCharsets.UTF_8));
        writeHunks(out, edits, a, b);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Edits closer than twice the context share a hunk; each hunk shows up to 3 unchanged lines around its edits. */
    private static void writeHunks(ByteArrayOutputStream out, List<Edit> edits, Lines a, Lines b) {
        for (int first = 0; first < edits.size(); ) {
            int last = first;
            while (last + 1 < edits.size()
                    && (edits.get(last + 1).beginA - edits.get(last).endA <= 2 * CONTEXT_LINES
                    || edits.get(last + 1).beginB - edits.get(last).endB <= 2 * CONTEXT_LINES)) {
                last++;
            }
            Edit edit = edits.get(first);
            int aAt = Math.max(0, edit.beginA - CONTEXT_LINES);
            int bAt = Math.max(0, edit.beginB - CONTEXT_LINES);
            int aEnd = Math.min(a.size(), edits.get(last).endA + CONTEXT_LINES);
            int bEnd = Math.min(b.size(), edits.get(last).endB + CONTEXT_LINES);
            out.writeBytes(("@@ -" + range(aAt, aEnd) + " +" + range(bAt, bEnd) + " @@\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int current = first;
            while (aAt < aEnd || bAt < bEnd) {
                if (aAt < edit.beginA || last + 1 < current) {
                    writeLine(out, ' ', a, aAt++);
                    bAt++;
                } else if (aAt < edit.endA) {
                    writeLine(out, '-', a, aAt++);
                } else if (bAt < edit.endB) {
                    writeLine(out, '+', b, bAt++);
                }
                if (edit.endA <= aAt && edit.endB <= bAt && ++current < edits.size()) {
                    edit = edits.get(current);
                }
            }
            first = last + 1;
        }
    }

    // git's form: "start,count", just "start" for one line, and the line before for none.
    private static String range(int from, int to) {
        int count = to - from;
        return switch (count) {
            case 0 -> from + ",0";
            case 1 -> Integer.toString(from + 1);
            default -> (from + 1) + "," + count;
        };
    }

    private static void writeLine(ByteArrayOutputStream out, char prefix, Lines text, int line) {
        out.write(prefix);
        text.writeLine(out, line);
        out.write('\n');
        if (line + 1 == text.size() && text.missingNewlineAtEnd()) {
            out.writeBytes(NO_NEWLINE);
        }
    }
}
