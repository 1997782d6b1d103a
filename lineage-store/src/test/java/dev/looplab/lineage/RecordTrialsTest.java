package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.Test;

/** Group commit: {@link LineageStore#recordTrials}, checked with the git CLI as a user of plain git would. */
class RecordTrialsTest extends StoreWithRoot {

    private static TrialSpec spec(String id, String parent, String hypothesis, String diff) {
        return new TrialSpec(id, parent, "c1", "optimizer", "optimizer", hypothesis, diff);
    }

    /** A trial of {@code parent} (whose recipe is {@code recipe}) that sets KNOB_{@code knob} to {@code value}. */
    private static TrialSpec knob(String id, String parent, String recipe, int knob, int value) {
        return spec(id, parent, "Set KNOB_" + knob + " to " + value,
                LineageStore.unifiedDiff(Recipes.RECIPE, recipe, withKnob(recipe, knob, value)));
    }

    private static String withKnob(String recipe, int knob, int value) {
        String from = "KNOB_" + knob + " = ";
        int at = recipe.indexOf(from);
        return recipe.substring(0, at + from.length()) + value + recipe.substring(recipe.indexOf(';', at));
    }

    private List<String> trialRefs() {
        return git.run("for-each-ref", "--format=%(refname)", LineageStore.TRIAL_REFS).lines().toList();
    }

    private long packCount() {
        return git.run("count-objects", "-v").lines().filter(line -> line.startsWith("packs: "))
                .mapToLong(line -> Long.parseLong(line.substring(7).strip())).sum();
    }

    @Test
    void aGroupRecordsEveryTrialInOnePackWithRefsAndTrailersGitReads() {
        String root = store.readFile("t0", Recipes.RECIPE);
        List<TrialSpec> group = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            group.add(knob("t" + i, "t0", root, i, 100 + i));
        }
        // A child of a trial from the same group.
        group.add(knob("t6", "t5", withKnob(root, 5, 105), 6, 106));
        long packsBefore = packCount();

        List<TrialRecording> results = store.recordTrials(group);

        assertThat(results).extracting(TrialRecording::trialId).containsExactly("t1", "t2", "t3", "t4", "t5", "t6");
        assertThat(results).allMatch(TrialRecording::isRecorded);
        assertThat(trialRefs()).containsExactlyInAnyOrder("refs/heads/trial/t0", "refs/heads/trial/t1",
                "refs/heads/trial/t2", "refs/heads/trial/t3", "refs/heads/trial/t4", "refs/heads/trial/t5",
                "refs/heads/trial/t6");
        assertThat(packCount()).isEqualTo(packsBefore + 1);
        for (TrialRecording result : results) {
            assertThat(git.run("rev-parse", "trial/" + result.trialId()).strip()).isEqualTo(result.commit().commitId());
        }
        assertThat(git.run("rev-parse", "trial/t6^").strip()).isEqualTo(results.get(4).commit().commitId());
        assertThat(git.run("log", "-1", "--format=%(trailers:key=Looplab-Trial,valueonly)%(trailers:key=Looplab-Parent,"
                + "valueonly)%(trailers:key=Looplab-Campaign,valueonly)", "trial/t6").strip())
                .isEqualTo("t6\nt5\nc1");
        assertThat(git.run("show", "trial/t6:" + Recipes.RECIPE))
                .contains("KNOB_5 = 105;").contains("KNOB_6 = 106;").contains("KNOB_1 = 1;");
        assertThat(store.chainToRoot("t6")).extracting(TrialInfo::trialId).containsExactly("t0", "t5", "t6");
        GitCli.Result fsck = git.tryRun("fsck", "--strict", "--no-dangling");
        assertThat(fsck.exit()).as(fsck.stderr()).isZero();
    }

    @Test
    void aRefusedDiffInTheMiddleOfAGroupWritesNothingOfItAndTheOthersAreRecorded() {
        String root = store.readFile("t0", Recipes.RECIPE);
        // Its first file applies, its second does not: without staging the first file's new blob would be written.
        String halfStale = LineageStore.unifiedDiff(Recipes.CONFIG, "steps: 100\nbatch: 32\n", "steps: 999\nbatch: 32\n")
                + "diff --git a/Recipe.java b/Recipe.java\n--- a/Recipe.java\n+++ b/Recipe.java\n"
                + "@@ -33,3 +33,3 @@\n"
                + "     public static void main(String[] args) {\n"
                + "-        float lr = 0.5f;\n"
                + "+        float lr = 0.7f;\n"
                + "         train(lr);\n";
        List<TrialSpec> group = List.of(
                knob("t1", "t0", root, 1, 11),
                knob("t2", "t0", root, 2, 12),
                spec("t3", "t0", "Half of this diff is stale", halfStale),
                spec("t4", "t0", "Escapes the recipe", "diff --git a/../evil.sh b/../evil.sh\nnew file mode 100644\n"
                        + "--- /dev/null\n+++ b/../evil.sh\n@@ -0,0 +1 @@\n+rm -rf /\n"),
                knob("t5", "no-such-trial", root, 5, 15),
                knob("t6", "t0", root, 6, 16));

        List<TrialRecording> results = store.recordTrials(group);

        assertThat(results).extracting(TrialRecording::isRecorded).containsExactly(true, true, false, false, false, true);
        assertThat(results.get(2).failure()).isInstanceOf(DiffRejectedException.class)
                .hasMessageContaining("trial t3 refused").hasMessageContaining("does not apply to parent trial t0");
        assertThat(results.get(3).failure()).isInstanceOf(DiffRejectedException.class)
                .hasMessageContaining("trial t4 refused");
        assertThat(results.get(4).failure()).isInstanceOf(UnknownTrialException.class)
                .hasMessageContaining("'no-such-trial' is not recorded");
        assertThatThrownBy(results.get(2)::commitOrThrow).isSameAs(results.get(2).failure());
        assertThat(trialRefs()).containsExactlyInAnyOrder("refs/heads/trial/t0", "refs/heads/trial/t1",
                "refs/heads/trial/t2", "refs/heads/trial/t6");
        // Nothing of t3 reached the disk: its new config blob would be a dangling object.
        String steps999 = new ObjectInserter.Formatter()
                .idFor(Constants.OBJ_BLOB, "steps: 999\nbatch: 32\n".getBytes(StandardCharsets.UTF_8)).name();
        assertThat(git.tryRun("cat-file", "-e", steps999).exit()).isNotZero();
        GitCli.Result fsck = git.tryRun("fsck", "--strict", "--dangling");
        assertThat(fsck.exit()).as(fsck.stderr()).isZero();
        assertThat(fsck.stdout() + fsck.stderr()).doesNotContain("dangling");
    }

    @Test
    void aTrialRecordedBeforeKeepsItsCommitAndAnotherDiffUnderItsIdConflicts() {
        String root = store.readFile("t0", Recipes.RECIPE);
        TrialCommit first = store.recordTrial(knob("t1", "t0", root, 1, 11));

        List<TrialRecording> results = store.recordTrials(List.of(
                knob("t1", "t0", root, 1, 11),
                knob("t2", "t0", root, 2, 12),
                knob("t2", "t0", root, 2, 12),
                knob("t3", "t0", root, 3, 13),
                knob("t3", "t0", root, 3, 99)));
        List<TrialRecording> again = store.recordTrials(List.of(knob("t1", "t0", root, 1, 77),
                knob("t4", "t0", root, 4, 14)));

        assertThat(results.get(0).commit()).isEqualTo(first);
        assertThat(results.get(2).commit()).isEqualTo(results.get(1).commit());
        assertThat(results.get(3).isRecorded()).isTrue();
        assertThat(results.get(4).failure()).isInstanceOf(TrialConflictException.class)
                .hasMessageContaining("trial t3 appears twice in one group with a different diff");
        assertThat(again.get(0).failure()).isInstanceOf(TrialConflictException.class)
                .hasMessageContaining("trial t1 is already recorded as commit " + first.commitId());
        assertThat(again.get(1).isRecorded()).isTrue();
        assertThat(git.run("rev-parse", "trial/t1").strip()).isEqualTo(first.commitId());
        assertThat(git.run("show", "trial/t3:" + Recipes.RECIPE)).contains("KNOB_3 = 13;");
    }

    @Test
    void manyGroupsKeepThePackCountBoundedAndEveryTrialReadable() {
        String root = store.readFile("t0", Recipes.RECIPE);
        int groups = 30;
        for (int g = 0; g < groups; g++) {
            int group = g;
            List<TrialSpec> specs = IntStream.range(0, TrialWriter.PACK_AT_LEAST)
                    .mapToObj(k -> knob("g" + group + "-" + k, "t0", root, 1 + k, 1000 + group)).toList();
            assertThat(store.recordTrials(specs)).allMatch(TrialRecording::isRecorded);
        }

        assertThat(packCount()).isLessThanOrEqualTo(SmallPacks.MAX_PACKS + 1);
        for (int g = 0; g < groups; g++) {
            assertThat(store.readFile("g" + g + "-3", Recipes.RECIPE)).contains("KNOB_4 = " + (1000 + g) + ";");
        }
        try (LineageStore reopened = LineageStore.open(repoDir)) {
            assertThat(reopened.readFile("g0-0", Recipes.RECIPE)).contains("KNOB_1 = 1000;");
            assertThat(reopened.listTrials()).hasSize(1 + groups * TrialWriter.PACK_AT_LEAST);
        }
        assertThat(git.run("show", "trial/g0-2:" + Recipes.RECIPE)).contains("KNOB_3 = 1000;");
        GitCli.Result fsck = git.tryRun("fsck", "--strict", "--no-dangling");
        assertThat(fsck.exit()).as(fsck.stderr()).isZero();
    }

    @Test
    void aRefLockedByACrashedWriterFailsOnlyItsTrialAsRetriable() throws Exception {
        String root = store.readFile("t0", Recipes.RECIPE);
        Path stale = repoDir.resolve("refs/heads/trial/t2.lock");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "");

        List<TrialRecording> results = store.recordTrials(List.of(
                knob("t1", "t0", root, 1, 11), knob("t2", "t0", root, 2, 12), knob("t3", "t0", root, 3, 13),
                knob("t4", "t0", root, 4, 14)));

        assertThat(results).extracting(TrialRecording::isRecorded).containsExactly(true, false, true, true);
        assertThat(results.get(1).failure()).isInstanceOf(LineageIoException.class)
                .hasMessageContaining("refs/heads/trial/t2").matches(LineageException::isRetriable);
        assertThat(trialRefs()).doesNotContain("refs/heads/trial/t2");

        Files.delete(stale);
        assertThat(store.recordTrials(List.of(knob("t2", "t0", root, 2, 12))).get(0).isRecorded()).isTrue();
        GitCli.Result fsck = git.tryRun("fsck", "--strict", "--no-dangling");
        assertThat(fsck.exit()).as(fsck.stderr()).isZero();
    }

    @Test
    void anEmptyOrNullGroupIsABadCall() {
        assertThatThrownBy(() -> store.recordTrials(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty list");
        assertThatThrownBy(() -> store.recordTrials(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
