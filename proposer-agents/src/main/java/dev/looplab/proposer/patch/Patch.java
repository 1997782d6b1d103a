package dev.looplab.proposer.patch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git-style unified diff, parsed, and applied to file texts the way {@code git apply} does without fuzz: each
 * hunk's context and removed lines must match exactly, at the stated line or the nearest place they do. Enough to
 * check locally, before sending, that a proposal's diff applies to its parent (the platform's lineage store checks
 * again with JGit).
 */
public final class Patch {
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*$");

    /** One file's hunks; {@code path} is the b/ side (the a/ side for a deletion). */
    public record FilePatch(String path, boolean created, boolean deleted, List<Hunk> hunks) {
    }

    /** A hunk: where it starts in the old text and its lines, each prefixed ' ', '-' or '+'. */
    public record Hunk(int oldStart, List<String> lines) {
    }

    private final List<FilePatch> files;

    private Patch(List<FilePatch> files) {
        this.files = List.copyOf(files);
    }

    public List<FilePatch> files() {
        return files;
    }

    /**
     * Parses a unified diff.
     *
     * @throws PatchException naming the line that is not part of a unified diff
     */
    public static Patch parse(String diff) {
        if (diff == null || diff.isBlank()) {
            throw new PatchException("the diff is empty: send a unified diff (--- a/<file>, +++ b/<file>, @@ hunks)");
        }
        List<String> lines = Arrays.asList(diff.replace("\r\n", "\n").split("\n", -1));
        List<FilePatch> files = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (!line.startsWith("--- ")) {
                i++;
                continue;
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("+++ ")) {
                throw new PatchException("line " + (i + 1) + " '" + line + "' is not followed by a '+++ b/<file>' line");
            }
            String oldPath = path(line.substring(4));
            String newPath = path(lines.get(i + 1).substring(4));
            i += 2;
            List<Hunk> hunks = new ArrayList<>();
            while (i < lines.size() && lines.get(i).startsWith("@@")) {
                Matcher m = HUNK.matcher(lines.get(i));
                if (!m.matches()) {
                    throw new PatchException("line " + (i + 1) + " '" + lines.get(i) + "' is not a hunk header like"
                            + " '@@ -12,7 +12,7 @@'");
                }
                int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
                int oldStart = Integer.parseInt(m.group(1));
                i++;
                List<String> body = new ArrayList<>();
                int seenOld = 0;
                int seenNew = 0;
                while (i < lines.size() && (seenOld < oldCount || seenNew < newCount)) {
                    String l = lines.get(i);
                    if (l.startsWith("\\")) { // "\ No newline at end of file"
                        i++;
                        continue;
                    }
                    char kind = l.isEmpty() ? ' ' : l.charAt(0);
                    if (kind != ' ' && kind != '-' && kind != '+') {
                        throw new PatchException("line " + (i + 1) + " '" + abbreviate(l) + "' inside a hunk must start"
                                + " with ' ', '-' or '+' (the hunk header promised " + oldCount + " old and " + newCount
                                + " new lines)");
                    }
                    String text = l.isEmpty() ? " " : l;
                    body.add(text);
                    if (kind != '+') {
                        seenOld++;
                    }
                    if (kind != '-') {
                        seenNew++;
                    }
                    i++;
                }
                if (seenOld != oldCount || seenNew != newCount) {
                    throw new PatchException("the hunk at old line " + oldStart + " is cut short: its header promised "
                            + oldCount + " old and " + newCount + " new lines");
                }
                while (i < lines.size() && lines.get(i).startsWith("\\")) {
                    i++;
                }
                hunks.add(new Hunk(oldStart, body));
            }
            if (hunks.isEmpty()) {
                throw new PatchException("file " + newPath + " has no '@@' hunk");
            }
            boolean created = oldPath.equals("/dev/null");
            boolean deleted = newPath.equals("/dev/null");
            files.add(new FilePatch(deleted ? oldPath : newPath, created, deleted, hunks));
        }
        if (files.isEmpty()) {
            throw new PatchException("no file in the diff: it needs '--- a/<file>' and '+++ b/<file>' lines before its"
                    + " '@@' hunks");
        }
        return new Patch(files);
    }

    /** The paths the diff changes. */
    public List<String> paths() {
        return files.stream().map(FilePatch::path).toList();
    }

    /**
     * Applies the diff to {@code texts} (path to text; absent files are empty), returning the changed files' new texts.
     *
     * @throws PatchException naming the file and hunk that does not apply
     */
    public Map<String, String> apply(Map<String, String> texts) {
        Map<String, String> out = new LinkedHashMap<>();
        for (FilePatch file : files) {
            String old = texts.get(file.path());
            if (old == null && !file.created()) {
                throw new PatchException("the diff edits " + file.path() + ", which the parent trial does not have;"
                        + " edit one of " + texts.keySet());
            }
            out.put(file.path(), file.deleted() ? null : applyTo(file, old == null ? "" : old));
        }
        return out;
    }

    /** Applies a one-file diff to {@code text}. */
    public String applyTo(String text) {
        if (files.size() != 1) {
            throw new PatchException("the diff edits " + paths() + "; send one file's diff");
        }
        return applyTo(files.get(0), text);
    }

    private static String applyTo(FilePatch file, String text) {
        boolean endsWithNewline = text.isEmpty() || text.endsWith("\n");
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (endsWithNewline && !lines.isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int offset = 0; // where the new text stands relative to the old, after the hunks so far
        int hunkNo = 0;
        for (Hunk hunk : file.hunks()) {
            hunkNo++;
            List<String> expected = new ArrayList<>();
            List<String> replacement = new ArrayList<>();
            for (String l : hunk.lines()) {
                if (l.charAt(0) != '+') {
                    expected.add(l.substring(1));
                }
                if (l.charAt(0) != '-') {
                    replacement.add(l.substring(1));
                }
            }
            // a hunk without old lines inserts after line oldStart; any other starts at line oldStart
            int anchor = expected.isEmpty() ? hunk.oldStart() : hunk.oldStart() - 1;
            int wanted = Math.min(Math.max(0, anchor + offset), lines.size());
            int at = find(lines, expected, wanted);
            if (at < 0) {
                throw new PatchException("hunk " + hunkNo + " of " + file.path() + " does not apply: its lines "
                        + abbreviate(String.join(" | ", expected)) + " are not in the parent's " + file.path()
                        + " (copy the context lines exactly from the file you were shown)");
            }
            for (int k = 0; k < expected.size(); k++) {
                lines.remove(at);
            }
            lines.addAll(at, replacement);
            offset = at - anchor + replacement.size() - expected.size();
        }
        String joined = String.join("\n", lines);
        return lines.isEmpty() ? "" : joined + (endsWithNewline ? "\n" : "");
    }

    /** The start of {@code expected} in {@code lines} nearest to {@code wanted}, or -1. */
    private static int find(List<String> lines, List<String> expected, int wanted) {
        if (expected.isEmpty()) {
            return wanted;
        }
        for (int distance = 0; distance <= lines.size(); distance++) {
            for (int at : new int[] {wanted - distance, wanted + distance}) {
                if (at >= 0 && at + expected.size() <= lines.size() && lines.subList(at, at + expected.size()).equals(expected)) {
                    return at;
                }
            }
        }
        return -1;
    }

    private static String path(String header) {
        String p = header.strip();
        int tab = p.indexOf('\t');
        if (tab >= 0) {
            p = p.substring(0, tab);
        }
        if (p.startsWith("a/") || p.startsWith("b/")) {
            p = p.substring(2);
        }
        return p;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
