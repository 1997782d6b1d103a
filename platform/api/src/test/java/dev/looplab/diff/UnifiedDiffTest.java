package dev.looplab.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// That the lineage applies these diffs, and that they are JGit's bytes, is tested in lineage-store
// (UnifiedDiffRoundTripTest, UnifiedDiffMatchesJGitTest): this module has no JGit.
class UnifiedDiffTest {

    @Test
    void aGitStyleDiffWithThreeLinesOfContext() {
        String diff = UnifiedDiff.of("a/B.java", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n");

        assertThat(diff).isEqualTo("diff --git a/a/B.java b/a/B.java\n--- a/a/B.java\n+++ b/a/B.java\n"
                + "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
        assertThat(UnifiedDiff.of("a/B.java", "same\n", "same\n")).isEmpty();
    }

    @Test
    void aNewFileAndADeletedFileNameTheirMode() {
        assertThat(UnifiedDiff.of("n.txt", null, "one\ntwo\n"))
                .isEqualTo("diff --git a/n.txt b/n.txt\nnew file mode 100644\n--- /dev/null\n+++ b/n.txt\n"
                        + "@@ -0,0 +1,2 @@\n+one\n+two\n");
        assertThat(UnifiedDiff.of("n.txt", "one\n", null))
                .isEqualTo("diff --git a/n.txt b/n.txt\ndeleted file mode 100644\n--- a/n.txt\n+++ /dev/null\n"
                        + "@@ -1 +0,0 @@\n-one\n");
    }

    @Test
    void aMissingFinalNewlineIsMarkedOnTheSideThatLacksIt() {
        assertThat(UnifiedDiff.of("c.yaml", "steps: 100\nbatch: 32\n", "steps: 100\nbatch: 64"))
                .endsWith("@@ -1,2 +1,2 @@\n steps: 100\n-batch: 32\n+batch: 64\n\\ No newline at end of file\n");
    }

    @Test
    void editsFarApartGetTheirOwnHunksAndNearOnesShareOne() {
        StringBuilder before = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            before.append("line ").append(i).append('\n');
        }
        String after = before.toString().replace("line 2\n", "line two\n").replace("line 8\n", "line eight\n")
                .replace("line 25\n", "line twenty-five\n");

        String diff = UnifiedDiff.of("f.txt", before.toString(), after);

        assertThat(diff).contains("@@ -1,11 +1,11 @@\n", "@@ -22,7 +22,7 @@\n");
        assertThat(diff.split("\n@@ ", -1)).hasSize(3);
    }

    @Test
    void aPathOutsideTheRecipeOrNoTextIsRefused() {
        assertThatThrownBy(() -> UnifiedDiff.of("../etc/passwd", "a\n", "b\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("climbs with '..'");
        assertThatThrownBy(() -> UnifiedDiff.of(".git/config", "a\n", "b\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("points into .git/");
        assertThatThrownBy(() -> UnifiedDiff.of("f.txt", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an old or a new text");
    }
}
