package dev.looplab.lineage.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.SnapshotSpec;
import dev.looplab.lineage.TrialCommit;
import dev.looplab.lineage.TrialConflictException;
import dev.looplab.lineage.UnknownTrialException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LineageStore#recordSnapshot}: trials recorded from whole files, the store method imports are built on. */
class RecordSnapshotTest {

    @TempDir
    Path tmp;

    static Map<String, byte[]> files(String text) {
        return Map.of("train.py", text.getBytes(StandardCharsets.UTF_8));
    }

    static SnapshotSpec spec(String id, String parent, Map<String, byte[]> files) {
        return new SnapshotSpec(id, parent, "Try " + id, Map.of("Looplab-Campaign", "c"), files,
                Instant.parse("2026-03-02T10:00:00Z"));
    }

    @Test
    void givenARootSnapshot_whenAChildIsRecordedWithWholeFiles_thenItsDiffIsTheChange() {
        try (LineageStore store = LineageStore.open(tmp.resolve("l.git"))) {
            store.recordSnapshot(spec("r", null, files("LR = 1\n")));

            TrialCommit child = store.recordSnapshot(spec("c1", "r", files("LR = 2\n")));

            assertThat(child.parentCommitId()).isNotNull();
            assertThat(store.rootTrial()).contains("r");
            assertThat(store.diffAgainstParent("c1")).contains("-LR = 1").contains("+LR = 2");
            assertThat(store.readTrial("c1").orElseThrow().trailers()).containsEntry("Looplab-Parent", "r")
                    .containsEntry("Looplab-Campaign", "c");
        }
    }

    @Test
    void givenARecordedSnapshot_whenTheSameIdComesWithOtherFiles_thenItIsAConflictAndTheSameFilesAreANoOp() {
        try (LineageStore store = LineageStore.open(tmp.resolve("l.git"))) {
            store.recordSnapshot(spec("r", null, files("LR = 1\n")));
            TrialCommit first = store.recordSnapshot(spec("c1", "r", null));

            assertThat(store.recordSnapshot(spec("c1", "r", null))).isEqualTo(first);
            assertThatThrownBy(() -> store.recordSnapshot(spec("c1", "r", files("LR = 3\n"))))
                    .isInstanceOf(TrialConflictException.class).hasMessageContaining("with other files");
            assertThatThrownBy(() -> store.recordSnapshot(spec("r2", null, files("LR = 9\n"))))
                    .isInstanceOf(TrialConflictException.class).hasMessageContaining("already has root trial r");
            assertThatThrownBy(() -> store.recordSnapshot(spec("c2", "missing", null)))
                    .isInstanceOf(UnknownTrialException.class);
        }
    }

    @Test
    void givenPathsThatClimbOutOfTheRecipe_whenASpecIsMade_thenItIsRefused() {
        assertThatThrownBy(() -> spec("x", null, Map.of("../evil.sh", new byte[1])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("climbs");
        assertThatThrownBy(() -> new SnapshotSpec("x", null, "m", Map.of("Looplab-Trial", "y"), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("written by the store");
    }
}
