package dev.looplab.lineage;

import dev.looplab.trial.TrialStatus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saved trial index ({@code looplab-trial-index}) carries shape and outcomes across opens, and git stays the
 * source of truth: whatever changed in git since the save shows, and a damaged or lying copy is rebuilt, saying why.
 */
class SavedTrialIndexTest {

    @TempDir
    Path temp;

    Path repoDir;
    GitCli git;
    // The logger must stay strongly reachable, or the handler goes with it.
    final Logger indexLog = Logger.getLogger(TrialIndex.class.getName());
    final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void recordASmallTreeWithOutcomesAndSaveItsIndex() {
        indexLog.addHandler(capture);
        repoDir = temp.resolve("task.git");
        git = new GitCli(repoDir);
        // t0 <- t1 <- t3, t0 <- t2; t1 kept, t2 crashed, t3 without a note
        try (LineageStore store = openSavingAlways()) {
            store.initRoot("t0", Recipes.write(temp.resolve("recipe")), "Baseline");
            record(store, "t1", "t0", "optimizer", "0.001f", "0.002f");
            record(store, "t2", "t0", "data", "KNOB_1 = 1;", "KNOB_1 = 2;");
            record(store, "t3", "t1", "loop", "KNOB_2 = 2;", "KNOB_2 = 5;");
            store.putOutcomeNote("t1", "Outcome of trial t1: keep", "{\"status\" : \"keep\", \"score\" : 3.5}");
            store.putOutcomeNote("t2", "status: crash\nno score");
            assertThat(store.treeRows()).hasSize(4);
        }
        assertThat(repoDir.resolve(TrialIndexFile.NAME)).exists();
        logged.clear();
    }

    @AfterEach
    void stopCapturing() {
        indexLog.removeHandler(capture);
    }

    private LineageStore openSavingAlways() {
        return LineageStore.open(repoDir, LineageOptions.defaults(), TrialWriter.PACK_REFS_EVERY, 0);
    }

    private static void record(LineageStore into, String id, String parent, String specialist, String from,
            String to) {
        String before = into.readFile(parent, Recipes.RECIPE);
        into.recordTrial(new TrialSpec(id, parent, "c1", specialist, specialist, "Change " + from,
                LineageStore.unifiedDiff(Recipes.RECIPE, before, before.replace(from, to))));
    }

    private List<String> messages(Level level) {
        return logged.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    @Test
    void givenASavedIndex_whenReopened_thenNoCommitIsParsedAndTheRowsAreTheSame() {
        try (LineageStore store = openSavingAlways()) {
            List<TrialNode> rows = store.treeRows();

            assertThat(rows).extracting(TrialNode::trialId).containsExactly("t0", "t1", "t3", "t2");
            assertThat(rows).extracting(TrialNode::specialist).containsExactly(null, "optimizer", "loop", "data");
            assertThat(rows).extracting(TrialNode::status).containsExactly(null, TrialStatus.keep, null, TrialStatus.crash);
            assertThat(rows).extracting(TrialNode::score).containsExactly(null, 3.5, null, null);
            assertThat(messages(Level.INFO)).anySatisfy(line -> assertThat(line)
                    .contains("4 trials, 0 commits parsed, rest from the saved copy"));
            assertThat(messages(Level.WARNING)).isEmpty();
        }
    }

    @Test
    void givenASavedIndex_whenNotesAreChangedWithTheGitCli_thenTheNextOpenShowsThem() {
        String[] identity = {"-c", "user.name=someone", "-c", "user.email=someone@example.com"};
        git.run(concat(identity, "notes", "--ref=outcomes", "add", "-f", "-m", "status: crash", "trial/t1"));
        git.run(concat(identity, "notes", "--ref=outcomes", "add", "-m",
                "Outcome\n\n```json\n{\"status\":\"keep\",\"score\":2.5}\n```", "trial/t3"));
        git.run(concat(identity, "notes", "--ref=outcomes", "remove", "trial/t2"));

        try (LineageStore store = openSavingAlways()) {
            List<TrialNode> rows = store.treeRows();

            assertThat(rows).extracting(TrialNode::trialId).containsExactly("t0", "t1", "t3", "t2");
            assertThat(rows).extracting(TrialNode::status).containsExactly(null, TrialStatus.crash, TrialStatus.keep, null);
            assertThat(rows).extracting(TrialNode::score).containsExactly(null, null, 2.5, null);
            assertThat(messages(Level.INFO)).anySatisfy(line -> assertThat(line).contains("0 commits parsed"));
        }
    }

    @Test
    void givenASavedIndex_whenAnotherWriterRecordsATrialAndItsNote_thenTheNextOpenParsesOnlyThatCommit() {
        // a store with the default threshold: four trials are too few for it to write the saved copy
        try (LineageStore other = LineageStore.open(repoDir)) {
            record(other, "t4", "t2", "data", "KNOB_3 = 3;", "KNOB_3 = 4;");
            other.putOutcomeNote("t4", "status: keep", "{\"status\":\"keep\",\"score\":1.25}");
        }

        try (LineageStore store = openSavingAlways()) {
            assertThat(store.chainRows("t4")).extracting(TrialNode::trialId).containsExactly("t0", "t2", "t4");
            assertThat(store.chainRows("t4")).last().satisfies(row -> {
                assertThat(row.status()).isEqualTo(TrialStatus.keep);
                assertThat(row.score()).isEqualTo(1.25);
            });
            assertThat(messages(Level.INFO)).anySatisfy(line -> assertThat(line)
                    .contains("5 trials, 1 commits parsed, rest from the saved copy"));
        }
    }

    @Test
    void givenASavedLineWhoseTrialRefNowNamesAnotherCommit_whenReopened_thenThatCommitIsParsed() {
        // t2 re-pointed by hand at a commit under t1 with the same files
        String moved = git.run("-c", "user.name=someone", "-c", "user.email=someone@example.com", "commit-tree",
                "trial/t2^{tree}", "-p", "trial/t1", "-m", "Moved\n\nLooplab-Trial: t2\nLooplab-Specialist: moved")
                .strip();
        git.run("update-ref", "refs/heads/trial/t2", moved);

        try (LineageStore store = openSavingAlways()) {
            assertThat(store.chainRows("t2")).extracting(TrialNode::trialId).containsExactly("t0", "t1", "t2");
            assertThat(store.chainRows("t2")).last().satisfies(row -> {
                assertThat(row.specialist()).isEqualTo("moved");
                assertThat(row.commitId()).isEqualTo(moved);
                assertThat(row.status()).as("the note was on the old commit").isNull();
            });
            assertThat(messages(Level.INFO)).anySatisfy(line -> assertThat(line).contains("1 commits parsed"));
        }
    }

    @Test
    void givenATruncatedSavedIndex_whenReopened_thenItIsRebuiltFromGitAndTheLogSaysWhy() throws Exception {
        Path saved = repoDir.resolve(TrialIndexFile.NAME);
        byte[] bytes = Files.readAllBytes(saved);
        Files.write(saved, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        try (LineageStore store = openSavingAlways()) {
            List<TrialNode> rows = store.treeRows();

            assertThat(rows).extracting(TrialNode::status).containsExactly(null, TrialStatus.keep, null, TrialStatus.crash);
            assertThat(messages(Level.WARNING)).singleElement().satisfies(line -> assertThat(line)
                    .contains(saved.toString(), "fails its checksum", "truncated", "rebuilding it from git"));
        }
        logged.clear();
        try (LineageStore store = openSavingAlways()) {
            assertThat(store.treeRows()).hasSize(4);
            assertThat(messages(Level.WARNING)).as("the rebuilt copy was saved again").isEmpty();
        }
    }

    @Test
    void givenAnIndexInTheOldTextFormat_whenReopened_thenItIsRebuiltFromGit() throws Exception {
        String root = git.run("rev-parse", "trial/t0").strip();
        Files.writeString(repoDir.resolve(TrialIndexFile.NAME), "t0 " + root + " - 1 forged\n");

        try (LineageStore store = openSavingAlways()) {
            assertThat(store.treeRows()).extracting(TrialNode::specialist)
                    .containsExactly(null, "optimizer", "loop", "data");
            assertThat(messages(Level.WARNING)).singleElement().satisfies(line -> assertThat(line)
                    .contains("is not a version 2 index", "rebuilding it from git"));
        }
    }

    @Test
    void givenASavedIndexWhoseOutcomeDisagreesWithItsNote_whenReopened_thenItIsRebuiltFromGit() throws Exception {
        // a copy with a sound checksum that lies: what a bug in an older writer would leave behind
        try (FileRepository repo = new FileRepository(repoDir.toFile())) {
            TrialIndex index = new TrialIndex(repo, repoDir, 0);
            index.refreshWithOutcomes();
            index.get("t1").status = TrialStatus.discard;
            index.save();
        }
        logged.clear();

        try (LineageStore store = openSavingAlways()) {
            assertThat(store.chainRows("t1")).last().extracting(TrialNode::status).isEqualTo(TrialStatus.keep);
            assertThat(messages(Level.WARNING)).singleElement().satisfies(line -> assertThat(line)
                    .contains("disagrees with git", "trial t1 is saved as discard 3.5 but its outcome note says keep",
                            "rebuilding it from git"));
        }
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
