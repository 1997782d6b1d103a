package dev.looplab.lineage;

import dev.looplab.trial.TrialStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the lineage as a tree: rows with depth and outcome, subtrees, chains, diffs against the best. */
class LineageTreeTest extends StoreWithRoot {

    private static TrialCommit record(LineageStore into, String id, String parent, String specialist, String from,
            String to) {
        String before = into.readFile(parent, Recipes.RECIPE);
        return into.recordTrial(new TrialSpec(id, parent, "c1", specialist, specialist, "Change " + from,
                LineageStore.unifiedDiff(Recipes.RECIPE, before, before.replace(from, to))));
    }

    /** t0 <- t1 <- t3, t0 <- t2, recorded in that order. */
    private void recordSmallTree() {
        record(store, "t1", "t0", "optimizer", "0.001f", "0.002f");
        record(store, "t2", "t0", "data", "KNOB_1 = 1;", "KNOB_1 = 2;");
        record(store, "t3", "t1", "loop", "KNOB_2 = 2;", "KNOB_2 = 5;");
    }

    @Test
    void treeRowsListEveryTrialDepthFirstWithParentDepthSpecialistAndOutcome() {
        recordSmallTree();
        store.putOutcomeNote("t1", "Outcome of trial t1: keep", "{\n  \"trial\" : \"t1\",\n  \"status\" : \"keep\",\n"
                + "  \"score\" : 3.5,\n  \"metrics\" : {\"score\" : 9}\n}");
        store.putOutcomeNote("t2", "status: crash\nno score");

        List<TrialNode> rows = store.treeRows();

        assertThat(rows).extracting(TrialNode::trialId).containsExactly("t0", "t1", "t3", "t2");
        assertThat(rows).extracting(TrialNode::parentTrialId).containsExactly(null, "t0", "t1", "t0");
        assertThat(rows).extracting(TrialNode::depth).containsExactly(0, 1, 2, 1);
        assertThat(rows).extracting(TrialNode::specialist).containsExactly(null, "optimizer", "loop", "data");
        assertThat(rows).extracting(TrialNode::status).containsExactly(null, TrialStatus.keep, null, TrialStatus.crash);
        assertThat(rows).extracting(TrialNode::score).containsExactly(null, 3.5, null, null);
        assertThat(rows.get(2).commitId()).isEqualTo(git.run("rev-parse", "trial/t3").strip());
    }

    @Test
    void subtreeAndChainRowsFollowTheParentLinks() {
        recordSmallTree();

        List<TrialNode> subtree = store.subtreeRows("t1");
        List<TrialNode> chain = store.chainRows("t3");

        assertThat(subtree).extracting(TrialNode::trialId).containsExactly("t1", "t3");
        assertThat(chain).extracting(TrialNode::trialId).containsExactly("t0", "t1", "t3");
        assertThat(store.chainToRoot("t3")).extracting(TrialInfo::trialId).containsExactly("t0", "t1", "t3");
        assertThat(store.subtreeRows("t2")).extracting(TrialNode::trialId).containsExactly("t2");
        assertThatThrownBy(() -> store.subtreeRows("ghost"))
                .isInstanceOf(UnknownTrialException.class).hasMessageContaining("'ghost' is not recorded");
    }

    @Test
    void chainToRootGivesTheSameTrialInfoAsReadTrialOnEveryCall() {
        recordSmallTree();
        List<TrialInfo> oneByOne = List.of(store.readTrial("t0").orElseThrow(), store.readTrial("t1").orElseThrow(),
                store.readTrial("t3").orElseThrow());

        List<TrialInfo> first = store.chainToRoot("t3");
        List<TrialInfo> again = store.chainToRoot("t3");

        assertThat(first).isEqualTo(oneByOne);
        assertThat(again).isEqualTo(oneByOne);
        assertThat(first.get(2).hypothesis()).isEqualTo("Change KNOB_2 = 2;");
        assertThat(first.get(2).trailers()).containsEntry("Looplab-Specialist", "loop").hasSize(5);
    }

    @Test
    void trialsAndNotesWrittenByAnotherWriterShowUpInTheNextRead() {
        recordSmallTree();
        assertThat(store.subtreeRows("t1")).hasSize(2);

        try (LineageStore other = LineageStore.open(repoDir)) {
            record(other, "t4", "t1", "optimizer", "KNOB_3 = 3;", "KNOB_3 = 4;");
            other.putOutcomeNote("t4", "status: keep", "{\"status\":\"keep\",\"score\":2.25}");
        }

        assertThat(store.subtreeRows("t1")).extracting(TrialNode::trialId).containsExactly("t1", "t3", "t4");
        assertThat(store.children("t1")).extracting(TrialInfo::trialId).containsExactly("t3", "t4");
        assertThat(store.chainRows("t4")).last().satisfies(row -> {
            assertThat(row.status()).isEqualTo(TrialStatus.keep);
            assertThat(row.score()).isEqualTo(2.25);
        });
    }

    @Test
    void trialRefsArePackedInBatchesAndStayReadableByStoreAndGit() {
        store.close();
        store = LineageStore.open(repoDir, LineageOptions.defaults(), 10);
        String parent = "t0";
        for (int i = 1; i <= 25; i++) {
            record(store, "p" + i, parent, "optimizer", "KNOB_4 = " + (i + 3) + ";", "KNOB_4 = " + (i + 4) + ";");
            parent = "p" + i;
        }

        String packed = git.run("show-ref").lines().filter(line -> line.contains("refs/heads/trial/p")).count() + "";
        assertThat(packed).isEqualTo("25");
        assertThat(repoDir.resolve("packed-refs")).content().contains("refs/heads/trial/p20");
        assertThat(repoDir.resolve("refs/heads/trial/p20")).doesNotExist();
        assertThat(repoDir.resolve("refs/heads/trial/p25")).exists();
        assertThat(store.chainRows("p25")).hasSize(26);
        try (LineageStore fresh = LineageStore.open(repoDir)) {
            assertThat(fresh.subtreeRows("p1")).hasSize(25);
        }
    }

    @Test
    void trialsPackedByGitBetweenReadsAreStillFound() {
        recordSmallTree();
        assertThat(store.treeRows()).hasSize(4);
        try (LineageStore other = LineageStore.open(repoDir)) {
            record(other, "t4", "t2", "data", "KNOB_5 = 5;", "KNOB_5 = 6;");
        }

        git.run("pack-refs", "--all");

        assertThat(store.treeRows()).extracting(TrialNode::trialId).containsExactly("t0", "t1", "t3", "t2", "t4");
    }

    @Test
    void theDiffAgainstTheBestReplaysOnTopOfTheBestToTheSameRecipe() {
        recordSmallTree();
        assertThatThrownBy(() -> store.diffAgainstBest("c1", "t3"))
                .isInstanceOf(LineageException.class)
                .hasMessageContaining("campaign c1 has no best trial yet");
        store.moveBest("c1", "t2");

        String diff = store.diffAgainstBest("c1", "t3");
        store.recordTrial(new TrialSpec("t3-on-best", "t2", "c1", "loop", "loop", "t3 on top of the best", diff));

        assertThat(diff).contains("-        float lr = 0.001f;", "+        float lr = 0.002f;",
                "-    static final int KNOB_1 = 2;", "+    static final int KNOB_1 = 1;");
        assertThat(git.run("rev-parse", "trial/t3-on-best^{tree}")).isEqualTo(git.run("rev-parse", "trial/t3^{tree}"));
        assertThat(store.diffAgainstBest("c1", "t2")).isEmpty();
        assertThat(store.diffBetween("t1", "t3")).contains("+    static final int KNOB_2 = 5;").doesNotContain("lr");
    }
}
