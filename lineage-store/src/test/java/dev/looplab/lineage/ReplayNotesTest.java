package dev.looplab.lineage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Re-runs of one commit (noise-floor runs, replays) each add a paragraph to its note on refs/notes/replays. */
class ReplayNotesTest {
    @TempDir
    Path temp;
    LineageStore store;

    @BeforeEach
    void open() {
        store = LineageStore.open(temp.resolve("lineage.git"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void givenTwoReplaysOfOneCommit_thenBothParagraphsAreKeptInOrder_andTheOutcomeNoteIsUntouched() {
        TrialCommit root = store.initRoot("r0", Recipes.write(temp.resolve("recipe")), "Baseline");
        store.putOutcomeNote("r0", "Outcome of trial r0: keep");

        store.appendNote(LineageStore.REPLAY_NOTES, root.commitId(), "Replay 5 of trial r0: identical");
        store.appendNote(LineageStore.REPLAY_NOTES, root.commitId(), "Replay 6 of trial r0: differs");

        String note = store.note(LineageStore.REPLAY_NOTES, root.commitId()).orElseThrow();
        assertThat(note.indexOf("Replay 5")).isGreaterThanOrEqualTo(0).isLessThan(note.indexOf("Replay 6"));
        assertThat(store.outcomeNote("r0")).hasValue("Outcome of trial r0: keep");
        assertThat(store.note(LineageStore.REPLAY_NOTES, "0".repeat(40))).isEmpty();
        if (GitCli.available()) {
            assertThat(new GitCli(temp.resolve("lineage.git")).run("log", "-1", "--notes=replays", root.commitId()))
                    .contains("Replay 5 of trial r0: identical").contains("Replay 6 of trial r0: differs");
        }
    }

    @Test
    void aNotesRefOutsideRefsNotesIsRefused() {
        TrialCommit root = store.initRoot("r0", Recipes.write(temp.resolve("recipe")), "Baseline");
        assertThatThrownBy(() -> store.appendNote("refs/heads/main", root.commitId(), "x"))
                .hasMessageContaining("must start with refs/notes/");
    }
}
