package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.looplab.diff.UnifiedDiff;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The diff's exact form is specified in platform/api (dev.looplab.diff.UnifiedDiffTest); here, that the lineage
// applies what it writes.
class UnifiedDiffRoundTripTest {

    @TempDir
    Path temp;

    LineageStore store;

    @BeforeEach
    void openStoreWithRoot() {
        store = LineageStore.open(temp.resolve("repo.git"));
        store.initRoot("t0", Recipes.write(temp.resolve("recipe")), "Baseline");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private String record(String id, String path, String oldText, String newText) {
        String diff = UnifiedDiff.of(path, oldText, newText);
        store.recordTrial(new TrialSpec(id, "t0", "c", "s", "all", "round trip " + id, diff));
        return diff;
    }

    @Test
    void editsInSeveralHunksRoundTrip() {
        String before = Recipes.recipeText();
        String after = before.replace("KNOB_2 = 2", "KNOB_2 = 22").replace("KNOB_20 = 20", "KNOB_20 = -20")
                .replace("train(lr);", "train(lr);\n        evaluate();");

        String diff = record("t1", Recipes.RECIPE, before, after);

        assertThat(diff.split("\n@@ ", -1)).hasSize(4);
        assertThat(store.readFile("t1", Recipes.RECIPE)).isEqualTo(after);
        assertThat(store.readFile("t1", Recipes.CONFIG)).isEqualTo(store.readFile("t0", Recipes.CONFIG));
    }

    @Test
    void newAndDeletedFilesRoundTrip() {
        record("t1", "model/Looped.java", null, "class Looped {}\n");
        record("t2", Recipes.CONFIG, store.readFile("t0", Recipes.CONFIG), null);

        assertThat(store.readFiles("t1")).containsEntry("model/Looped.java", "class Looped {}\n");
        assertThat(store.readFiles("t2")).containsOnlyKeys(Recipes.RECIPE);
    }

    @Test
    void aStaleDeletionIsRefused() {
        String stale = UnifiedDiff.of(Recipes.CONFIG, "steps: 999\nbatch: 32\n", null);

        assertThatThrownBy(() -> store.recordTrial(new TrialSpec("t1", "t0", "c", "s", "all", "drop", stale)))
                .isInstanceOf(DiffRejectedException.class)
                .hasMessageContaining("diff deletes 'conf/train.yaml' but its removed lines are not the file's content");
        record("t2", "notes.txt", null, "no newline");
        store.recordTrial(new TrialSpec("t3", "t2", "c", "s", "all", "drop",
                UnifiedDiff.of("notes.txt", "no newline", null)));
        assertThat(store.readFiles("t3")).doesNotContainKey("notes.txt");
    }

    @Test
    void aMissingFinalNewlineIsKeptBothWays() {
        String noNewline = "steps: 100\nbatch: 64";

        record("t1", Recipes.CONFIG, "steps: 100\nbatch: 32\n", noNewline);

        assertThat(store.readFile("t1", Recipes.CONFIG)).isEqualTo(noNewline);
        String restored = "steps: 100\nbatch: 32\n";
        String diff = UnifiedDiff.of(Recipes.CONFIG, noNewline, restored);
        store.recordTrial(new TrialSpec("t2", "t1", "c", "s", "all", "restore", diff));
        assertThat(store.readFile("t2", Recipes.CONFIG)).isEqualTo(restored);
    }

    @Test
    void aLargeRewriteAndUnicodeRoundTrip() {
        String before = Recipes.recipeText();
        String after = IntStream.range(0, 200).mapToObj(i -> "// ligne " + i + " – λ≈" + (i * 7 % 13) + "\n")
                .collect(Collectors.joining()) + before.replace("0.001f", "3e-4f");

        record("t1", Recipes.RECIPE, before, after);

        assertThat(store.readFile("t1", Recipes.RECIPE)).isEqualTo(after);
    }
}
