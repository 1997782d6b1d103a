package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.diff.UnifiedDiff;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.junit.jupiter.api.Test;

/**
 * {@link UnifiedDiff} (platform/api, no JGit) must write the bytes JGit's histogram diff and formatter write, as the
 * store's own unifiedDiff did before it moved: proposers' diffs, and tests that compare them, stay the same.
 */
class UnifiedDiffMatchesJGitTest {

    /** What LineageStore.unifiedDiff wrote with JGit before the diff moved to platform/api. */
    private static String jgit(String path, String oldText, String newText) throws IOException {
        RawText a = new RawText(oldText == null ? new byte[0] : oldText.getBytes(StandardCharsets.UTF_8));
        RawText b = new RawText(newText == null ? new byte[0] : newText.getBytes(StandardCharsets.UTF_8));
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, a, b);
        if (edits.isEmpty() && oldText != null && newText != null) {
            return "";
        }
        String header = "diff --git a/" + path + " b/" + path + "\n" + (oldText == null
                ? "new file mode 100644\n--- /dev/null\n+++ b/" + path + "\n"
                : newText == null ? "deleted file mode 100644\n--- a/" + path + "\n+++ /dev/null\n"
                : "--- a/" + path + "\n+++ b/" + path + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.setContext(3);
            formatter.format(edits, a, b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void randomEditsOfRecipeLikeTextsGiveJGitsBytes() throws IOException {
        Random random = new Random(20261204);
        for (int round = 0; round < 3_000; round++) {
            String[] texts = edited(random, 1 + random.nextInt(random.nextBoolean() ? 4 : 40), random.nextInt(60));

            assertThat(UnifiedDiff.of("src/Recipe.java", texts[0], texts[1]))
                    .as("round %d:%n--- old%n%s%n--- new%n%s", round, texts[0], texts[1])
                    .isEqualTo(jgit("src/Recipe.java", texts[0], texts[1]));
        }
    }

    @Test
    void textsOfFewDistinctLinesTakeJGitsMyersFallbackToTheSameBytes() throws IOException {
        // More than 64 copies of every common line: the histogram hands the region to Myers' algorithm.
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            String[] texts = edited(random, 1 + random.nextInt(3), 70 + random.nextInt(250));

            assertThat(UnifiedDiff.of("data.txt", texts[0], texts[1]))
                    .as("round %d:%n--- old%n%s%n--- new%n%s", round, texts[0], texts[1])
                    .isEqualTo(jgit("data.txt", texts[0], texts[1]));
        }
    }

    @Test
    void linesCrowdingOneHashBucketTakeTheFallbackToTheSameBytes() throws IOException {
        // 128 old lines use 128 buckets; 70 distinct lines in one bucket exceed the histogram's chain limit of 64.
        List<String> crowded = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; crowded.size() < 70 || others.size() < 58; i++) {
            String line = "knob" + i;
            int hash = 5381;
            for (byte c : (line + "\n").getBytes(StandardCharsets.UTF_8)) {
                hash = (hash << 5) + hash + (c & 0xff);
            }
            List<String> to = (hash * 0x9e370001) >>> 25 == 5 ? crowded : others;
            if (to.size() < (to == crowded ? 70 : 58)) {
                to.add(line);
            }
        }
        List<String> before = new ArrayList<>(crowded);
        before.addAll(others);
        Collections.shuffle(before, new Random(1));
        List<String> after = new ArrayList<>(before);
        Collections.shuffle(after.subList(10, 120), new Random(2));
        after.set(0, "first");
        after.set(127, "last");
        String oldText = String.join("\n", before) + "\n";
        String newText = String.join("\n", after) + "\n";

        assertThat(UnifiedDiff.of("knobs.txt", oldText, newText)).isEqualTo(jgit("knobs.txt", oldText, newText));
    }

    /** A text and an edit of it: lines inserted, removed, replaced, swapped, sometimes all shuffled or one side absent. */
    private static String[] edited(Random random, int distinctLines, int lines) {
        List<String> before = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            before.add(line(random, distinctLines));
        }
        List<String> after = new ArrayList<>(before);
        for (int edit = random.nextInt(8); edit > 0; edit--) {
            int at = random.nextInt(after.size() + 1);
            switch (random.nextInt(4)) {
                case 0 -> {
                    for (int n = 1 + random.nextInt(5); n > 0; n--) {
                        after.add(at, line(random, distinctLines));
                    }
                }
                case 1 -> {
                    for (int n = 1 + random.nextInt(5); n > 0 && at < after.size(); n--) {
                        after.remove(at);
                    }
                }
                case 2 -> {
                    if (at < after.size()) {
                        after.set(at, line(random, distinctLines));
                    }
                }
                default -> {
                    if (after.size() > 2) {
                        Collections.swap(after, random.nextInt(after.size()), random.nextInt(after.size()));
                    }
                }
            }
        }
        if (random.nextInt(5) == 0) {
            Collections.shuffle(after, random);
        }
        String oldText = text(before, random);
        String newText = text(after, random);
        int absent = random.nextInt(20);
        return new String[] {absent == 0 ? null : oldText, absent == 1 ? null : newText};
    }

    private static String line(Random random, int distinctLines) {
        int k = random.nextInt(distinctLines);
        return switch (k % 5) {
            case 0 -> "";
            case 1 -> "    }";
            case 2 -> "    static final float KNOB_" + k + " = " + k + "e-3f;";
            case 3 -> "// λ≈" + k + " – ünïcode";
            default -> "train(step" + k + ");";
        };
    }

    // A quarter of the texts lack the final newline.
    private static String text(List<String> lines, Random random) {
        String text = String.join("\n", lines);
        return lines.isEmpty() || random.nextInt(4) == 0 ? text : text + "\n";
    }
}
