package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineageStoreTest {

    @TempDir
    Path temp;

    Path repoDir;
    LineageStore store;
    GitCli git;

    @BeforeEach
    void openStore() {
        repoDir = temp.resolve("golf-mini.git");
        store = LineageStore.open(repoDir);
        git = new GitCli(repoDir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private TrialCommit initRoot() {
        return store.initRoot("t0", Recipes.write(temp.resolve("recipe")), "Baseline golf-mini recipe");
    }

    private static String edit(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replace(from, to);
    }

    private TrialSpec spec(String id, String parent, String hypothesis, String diff) {
        return new TrialSpec(id, parent, "c1", "optimizer", "optimizer", hypothesis, diff);
    }

    private TrialSpec editRecipe(String id, String parent, String from, String to) {
        String before = store.readFile(parent, Recipes.RECIPE);
        return spec(id, parent, "Change " + from + " to " + to,
                LineageStore.unifiedDiff(Recipes.RECIPE, before, edit(before, from, to)));
    }

    @Test
    void initRootCommitsTheRecipeWithoutBuildOutput() {
        assertThat(store.hasRoot()).isFalse();

        TrialCommit root = initRoot();

        assertThat(store.hasRoot()).isTrue();
        assertThat(store.rootTrial()).contains("t0");
        assertThat(root.parentCommitId()).isNull();
        assertThat(store.readFiles("t0")).containsOnlyKeys(Recipes.RECIPE, Recipes.CONFIG);
        assertThat(store.readFile("t0", Recipes.RECIPE)).isEqualTo(Recipes.recipeText());
        assertThat(git.run("ls-tree", "-r", "--name-only", "trial/t0").lines())
                .containsExactlyInAnyOrder(Recipes.CONFIG, Recipes.RECIPE);
        assertThat(git.run("log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", "trial/t0").strip())
                .isEqualTo("Looplab <looplab@localhost>|Looplab <looplab@localhost>|Baseline golf-mini recipe");
        assertThat(git.run("rev-parse", "HEAD").strip()).isEqualTo(root.commitId());
        assertThat(store.readTrial("t0")).get().satisfies(info -> {
            assertThat(info.isRoot()).isTrue();
            assertThat(info.hypothesis()).isEqualTo("Baseline golf-mini recipe");
        });
    }

    @Test
    void initRootAgainWithTheSameIdReturnsTheRootAndAnotherIdIsRefused() {
        TrialCommit first = initRoot();

        TrialCommit again = initRoot();

        assertThat(again).isEqualTo(first);
        assertThatThrownBy(() -> store.initRoot("other", temp.resolve("recipe"), "again"))
                .isInstanceOf(TrialConflictException.class)
                .hasMessageContaining("already has root trial t0");
        assertThat(git.run("for-each-ref", "--format=%(refname)", "refs/heads/").lines())
                .containsExactly("refs/heads/trial/t0");
    }

    @Test
    void aChainOfThreeTrialsLinksParentsAndCarriesTrailers() {
        TrialCommit root = initRoot();

        TrialCommit t1 = store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.002f"));
        TrialCommit t2 = store.recordTrial(editRecipe("t2", "t1", "KNOB_3 = 3", "KNOB_3 = 33"));
        TrialCommit t3 = store.recordTrial(editRecipe("t3", "t2", "train(lr);", "train(lr * 2);"));

        assertThat(t1.parentCommitId()).isEqualTo(root.commitId());
        assertThat(t2.parentCommitId()).isEqualTo(t1.commitId());
        assertThat(t3.parentCommitId()).isEqualTo(t2.commitId());
        assertThat(git.run("rev-parse", "trial/t3^", "trial/t3~3").lines())
                .containsExactly(t2.commitId(), root.commitId());
        assertThat(store.chainToRoot("t3")).extracting(TrialInfo::trialId).containsExactly("t0", "t1", "t2", "t3");
        assertThat(git.run("show", "trial/t3:" + Recipes.RECIPE))
                .contains("float lr = 0.002f;", "KNOB_3 = 33;", "train(lr * 2);");
        String trailers = git.run("log", "-1", "--format=%(trailers:only,unfold)", "trial/t3");
        assertThat(trailers.strip().lines()).containsExactly(
                "Looplab-Trial: t3", "Looplab-Parent: t2", "Looplab-Specialist: optimizer",
                "Looplab-Surface: optimizer", "Looplab-Campaign: c1");
        TrialInfo info = store.readTrial("t3").orElseThrow();
        assertThat(info.parentTrialId()).isEqualTo("t2");
        assertThat(info.campaign()).isEqualTo("c1");
        assertThat(info.specialist()).isEqualTo("optimizer");
        assertThat(info.hypothesis()).isEqualTo("Change train(lr); to train(lr * 2);");
        assertThat(info.trailers()).containsEntry("Looplab-Trial", "t3");
        assertThat(store.readTrial("t4")).isEmpty();
    }

    @Test
    void gitInterpretTrailersParsesTheMessageWeWrite() {
        initRoot();
        String hypothesis = "Raising the learning rate early should cut the loss faster because the looped"
                + " blocks share weights and see many more updates per step than an unlooped model would.";
        String before = store.readFile("t0", Recipes.RECIPE);
        store.recordTrial(spec("t1", "t0", hypothesis,
                LineageStore.unifiedDiff(Recipes.RECIPE, before, edit(before, "0.001f", "0.003f"))));

        String message = git.run("log", "-1", "--format=%B", "trial/t1");
        GitCli.Result parsed = git.tryRun("interpret-trailers", "--parse", "--no-divider");

        assertThat(message.lines().findFirst().orElseThrow()).hasSizeLessThanOrEqualTo(72);
        assertThat(message.lines()).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(72));
        assertThat(message.replaceAll("\\s+", " ")).contains(hypothesis);
        assertThat(parsed.exit()).isZero();
        assertThat(git.run("log", "-1", "--format=%(trailers:key=Looplab-Parent,valueonly)", "trial/t1").strip())
                .isEqualTo("t0");
    }

    @Test
    void aHunkThatDoesNotApplyIsRefusedAndNothingIsWritten() {
        initRoot();
        String stale = "diff --git a/Recipe.java b/Recipe.java\n--- a/Recipe.java\n+++ b/Recipe.java\n"
                + "@@ -33,3 +33,3 @@\n"
                + "     public static void main(String[] args) {\n"
                + "-        float lr = 0.5f;\n"
                + "+        float lr = 0.7f;\n"
                + "         train(lr);\n";

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "stale diff", stale)))
                .isInstanceOf(DiffRejectedException.class)
                .hasMessageContaining("Recipe.java")
                .hasMessageContaining("hunk '@@ -33,3 +33,3 @@' (old line 33)")
                .hasMessageContaining("does not apply to parent trial t0");

        assertThat(store.readTrial("t1")).isEmpty();
        assertThat(git.run("for-each-ref", "--format=%(refname)").lines()).doesNotContain("refs/heads/trial/t1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.txt", "/etc/passwd", ".git/config", "conf/../../escape.txt",
            ".GIT/hooks/pre-commit", "conf//x"})
    void pathsOutsideTheRecipeAreRefused(String path) {
        initRoot();
        String diff = "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path
                + "\n@@ -0,0 +1 @@\n+pwned\n";

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "escape", diff)))
                .isInstanceOf(DiffRejectedException.class)
                .hasMessageContaining("trial t1 refused")
                .hasMessageContaining("inside the recipe");
        assertThat(store.readTrial("t1")).isEmpty();
    }

    @Test
    void aTraditionalDiffWithAnAbsolutePathIsRefused() {
        initRoot();
        String diff = "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root\n+pwned\n";

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "escape", diff)))
                .isInstanceOf(DiffRejectedException.class);
        assertThat(store.readTrial("t1")).isEmpty();
    }

    @Test
    void binaryPatchesAreRefused() {
        initRoot();
        String gitBinary = "diff --git a/w.bin b/w.bin\nnew file mode 100644\nindex 0000000..e69de29\n"
                + "GIT binary patch\nliteral 3\nKcmZ>Y%>V!Z\n\nliteral 0\nHcmV?d00001\n\n";
        String bare = "diff --git a/Recipe.java b/Recipe.java\nindex 1111111..2222222 100644\n"
                + "Binary files a/Recipe.java and b/Recipe.java differ\n";

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "binary", gitBinary)))
                .isInstanceOf(DiffRejectedException.class).hasMessageContaining("binary patch");
        assertThatThrownBy(() -> store.recordTrial(spec("t2", "t0", "binary", bare)))
                .isInstanceOf(DiffRejectedException.class).hasMessageContaining("binary patch");
        assertThat(store.listTrials()).extracting(TrialInfo::trialId).containsExactly("t0");
    }

    @Test
    void emptyAndUnparseableDiffsAreRefused() {
        initRoot();

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "nothing", "  \n")))
                .isInstanceOf(DiffRejectedException.class).hasMessageContaining("diff is empty");
        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "prose", "please raise the learning rate")))
                .isInstanceOf(DiffRejectedException.class).hasMessageContaining("no file changes");
        assertThat(store.readTrial("t1")).isEmpty();
    }

    @Test
    void aDiffOverTheSizeLimitIsRefused() {
        store.close();
        store = LineageStore.open(repoDir, LineageOptions.defaults().withMaxDiffBytes(200));
        initRoot();
        String before = store.readFile("t0", Recipes.RECIPE);
        String diff = LineageStore.unifiedDiff(Recipes.RECIPE, before, before + "// " + "x".repeat(300) + "\n");

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "big", diff)))
                .isInstanceOf(DiffRejectedException.class)
                .hasMessageContaining("over the limit of 200 bytes");
        assertThat(store.readTrial("t1")).isEmpty();
    }

    @Test
    void aDiffTouchingAnEvaluatorOwnedPathIsRefused() {
        store.close();
        store = LineageStore.open(repoDir, LineageOptions.defaults().withEvaluatorOwnedPaths(Set.of("conf/")));
        initRoot();
        String diff = LineageStore.unifiedDiff(Recipes.CONFIG, "steps: 100\nbatch: 32\n", "steps: 100000\nbatch: 32\n");

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "train longer", diff)))
                .isInstanceOf(DiffRejectedException.class)
                .hasMessageContaining("'conf/train.yaml' is owned by the evaluator");
        assertThat(store.readTrial("t1")).isEmpty();
    }

    @Test
    void editingAMissingFileOrAddingAnExistingOneIsRefused() {
        initRoot();
        String missing = LineageStore.unifiedDiff("Missing.java", "a\n", "b\n");
        String existing = LineageStore.unifiedDiff(Recipes.CONFIG, null, "steps: 1\n");

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "edit missing", missing)))
                .isInstanceOf(DiffRejectedException.class).hasMessageContaining("'Missing.java', which is not a file");
        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "re-add", existing)))
                .isInstanceOf(DiffRejectedException.class).hasMessageContaining("already exists in parent trial t0");
    }

    @Test
    void anUnknownParentIsReportedByItsId() {
        initRoot();

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "ghost", "x",
                LineageStore.unifiedDiff(Recipes.RECIPE, "a\n", "b\n"))))
                .isInstanceOf(UnknownTrialException.class)
                .hasMessageContaining("'ghost' is not recorded")
                .satisfies(e -> assertThat(((UnknownTrialException) e).trialId()).isEqualTo("ghost"));
    }

    @Test
    void recordingTheSameTrialTwiceReturnsTheFirstCommitAndADifferentDiffConflicts() {
        initRoot();
        TrialSpec spec = editRecipe("t1", "t0", "0.001f", "0.002f");
        TrialCommit first = store.recordTrial(spec);

        TrialCommit again = store.recordTrial(spec);

        assertThat(again).isEqualTo(first);
        assertThat(git.run("rev-list", "--count", "trial/t1").strip()).isEqualTo("2");
        assertThatThrownBy(() -> store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.009f")))
                .isInstanceOf(TrialConflictException.class)
                .hasMessageContaining("trial t1 is already recorded")
                .hasMessageContaining("different diff");
        assertThat(git.run("rev-parse", "trial/t1").strip()).isEqualTo(first.commitId());
    }

    @Test
    void outcomeNotesAreAddedOverwrittenAndShownByGitLog() {
        initRoot();
        store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.002f"));
        assertThat(store.outcomeNote("t1")).isEmpty();

        store.putOutcomeNote("t1", "status: crash", "{\"status\":\"crash\"}");
        String first = store.outcomeNote("t1").orElseThrow();
        store.putOutcomeNote("t1", "status: keep\nscore: 1.234", "{\"status\":\"keep\",\"score\":1.234}");

        assertThat(first).contains("status: crash");
        assertThat(store.outcomeNote("t1")).contains(
                "status: keep\nscore: 1.234\n\n```json\n{\"status\":\"keep\",\"score\":1.234}\n```\n");
        assertThat(store.outcomeNote("t0")).isEmpty();
        String log = git.run("log", "--notes=outcomes", "-1", "trial/t1");
        assertThat(log).contains("Notes (outcomes):", "status: keep", "\"score\":1.234").doesNotContain("crash");
        assertThat(git.run("rev-list", "--count", "refs/notes/outcomes").strip()).isEqualTo("2");
    }

    @Test
    void theBestRefFollowsTheTrialItIsMovedTo() {
        initRoot();
        TrialCommit t1 = store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.002f"));
        TrialCommit t2 = store.recordTrial(editRecipe("t2", "t0", "0.001f", "0.004f"));
        assertThat(store.bestTrial("c1")).isEmpty();

        store.moveBest("c1", "t2");
        store.moveBest("c1", "t1");

        assertThat(store.bestTrial("c1")).contains("t1");
        assertThat(git.run("rev-parse", "best/c1").strip()).isEqualTo(t1.commitId()).isNotEqualTo(t2.commitId());
        assertThatThrownBy(() -> store.moveBest("c1", "nope")).isInstanceOf(UnknownTrialException.class);
    }

    @Test
    void aConditionalBestMoveOnlyWinsAgainstTheBestItSaw() {
        initRoot();
        store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.002f"));
        store.recordTrial(editRecipe("t2", "t0", "0.001f", "0.004f"));

        boolean first = store.moveBestIf("c1", null, "t1");
        boolean stale = store.moveBestIf("c1", null, "t2");
        boolean fresh = store.moveBestIf("c1", "t1", "t2");

        assertThat(first).isTrue();
        assertThat(stale).isFalse();
        assertThat(fresh).isTrue();
        assertThat(store.bestTrial("c1")).contains("t2");
    }

    @Test
    void childrenAndListingFollowTheParentLinks() {
        initRoot();
        store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.002f"));
        store.recordTrial(editRecipe("t2", "t0", "KNOB_1 = 1", "KNOB_1 = 2"));
        store.recordTrial(editRecipe("t3", "t1", "KNOB_1 = 1", "KNOB_1 = 3"));

        List<TrialInfo> children = store.children("t0");

        assertThat(children).extracting(TrialInfo::trialId).containsExactlyInAnyOrder("t1", "t2");
        assertThat(store.children("t3")).isEmpty();
        assertThat(store.listTrials()).extracting(TrialInfo::trialId).containsExactlyInAnyOrder("t0", "t1", "t2", "t3");
    }

    @Test
    void diffAgainstParentReplaysToTheSameTree() {
        initRoot();
        TrialCommit t1 = store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.002f"));
        String diff = store.diffAgainstParent("t1");

        TrialCommit replay = store.recordTrial(spec("t1-replay", "t0", "replay of t1", diff));

        assertThat(diff).contains("-        float lr = 0.001f;", "+        float lr = 0.002f;");
        assertThat(git.run("rev-parse", "trial/t1^{tree}")).isEqualTo(git.run("rev-parse", "trial/t1-replay^{tree}"));
        assertThat(replay.commitId()).isNotEqualTo(t1.commitId());
        assertThat(store.diffAgainstParent("t0")).contains("+++ b/Recipe.java", "+++ b/conf/train.yaml");
    }

    @Test
    void aNoOpDiffIsRefused() {
        initRoot();
        String diff = "diff --git a/conf/train.yaml b/conf/train.yaml\n--- a/conf/train.yaml\n+++ b/conf/train.yaml\n"
                + "@@ -1,2 +1,2 @@\n steps: 100\n-batch: 32\n+batch: 32\n";

        assertThatThrownBy(() -> store.recordTrial(spec("t1", "t0", "nothing", diff)))
                .isInstanceOf(DiffRejectedException.class).hasMessageContaining("unchanged");
    }

    @Test
    void theRepositoryPassesGitFsckAfterAMixedHistory() {
        initRoot();
        store.recordTrial(editRecipe("t1", "t0", "0.001f", "0.002f"));
        store.putOutcomeNote("t1", "status: keep", "{}");
        store.moveBest("c1", "t1");

        GitCli.Result fsck = git.tryRun("fsck", "--strict", "--no-dangling");

        assertThat(fsck.exit()).as(fsck.stderr()).isZero();
    }
}
