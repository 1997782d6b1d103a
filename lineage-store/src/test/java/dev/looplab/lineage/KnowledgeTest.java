package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A campaign's knowledge summary lives in the lineage as KNOWLEDGE.md on refs/heads/knowledge/<campaign>. */
class KnowledgeTest extends StoreWithRoot {

    @Test
    void givenTwoVersions_thenTheLatestIsReadAndAPlainCloneCarriesBothInHistory() {
        // given a campaign without knowledge
        assertThat(store.knowledge("c1")).isEmpty();

        // when the meta agent writes two versions, the second one twice
        String first = store.putKnowledge("c1", "# Knowledge of c1\n\n- optimizer: LR 1e-2 -> 1.4e-2 kept (trial 7)\n");
        String second = store.putKnowledge("c1", "# Knowledge of c1\n\n- optimizer: LR up helps (7, 9)\n");
        String again = store.putKnowledge("c1", "# Knowledge of c1\n\n- optimizer: LR up helps (7, 9)\n");

        // then the latest text is served, an unchanged text wrote nothing, and the versions form a history
        assertThat(store.knowledge("c1")).hasValue("# Knowledge of c1\n\n- optimizer: LR up helps (7, 9)\n");
        assertThat(second).isNotEqualTo(first);
        assertThat(again).isEqualTo(second);
        assertThat(store.knowledge("c2")).isEmpty();
        if (GitCli.available()) {
            assertThat(git.run("show", "knowledge/c1:KNOWLEDGE.md")).contains("LR up helps (7, 9)");
            assertThat(git.run("rev-list", "knowledge/c1").strip().split("\n")).containsExactly(second, first);
            assertThat(git.run("log", "-1", "--format=%B", "knowledge/c1")).contains("Looplab-Campaign: c1");
            Path clone = temp.resolve("clone");
            new GitCli(temp.resolve("unused")).run("clone", "-q", repoDir.toString(), clone.toString());
            assertThat(new GitCli(clone.resolve(".git")).run("show", "origin/knowledge/c1:KNOWLEDGE.md"))
                    .contains("LR up helps");
        }
        // and the trial index is not confused by the extra branch
        assertThat(store.listTrials()).extracting(TrialInfo::trialId).containsExactly("t0");
    }

    @Test
    void anEmptyOrHugeSummaryIsRefusedWithTheFix() {
        assertThatThrownBy(() -> store.putKnowledge("c1", " ")).hasMessageContaining("write a short Markdown summary");
        assertThatThrownBy(() -> store.putKnowledge("c1", "x".repeat(300_000))).hasMessageContaining("keep it under");
        assertThatThrownBy(() -> store.putKnowledge("../c1", "x")).hasMessageContaining("not a valid id");
    }

    @Test
    void extraTrailersOfASpecAreWrittenAfterTheStandardOnes() {
        String recipe = Recipes.recipeText();
        String diff = LineageStore.unifiedDiff(Recipes.RECIPE, recipe, recipe.replace("KNOB_3 = 3;", "KNOB_3 = 4;"));
        store.recordTrial(new TrialSpec("t1", "t0", "c1", "optimizer-llm", "optimizer", "Raise knob 3", diff,
                Map.of("Looplab-Model", "gpt-test", "Looplab-Tokens-In", "1200")));

        assertThat(store.readTrial("t1").orElseThrow().trailers())
                .containsEntry("Looplab-Specialist", "optimizer-llm")
                .containsEntry("Looplab-Model", "gpt-test").containsEntry("Looplab-Tokens-In", "1200");
        assertThatThrownBy(() -> new TrialSpec("t2", "t0", "c1", "s", "optimizer", "h", diff,
                Map.of("Looplab-Trial", "9"))).hasMessageContaining("not an extra Looplab trailer");
        assertThatThrownBy(() -> new TrialSpec("t2", "t0", "c1", "s", "optimizer", "h", diff,
                Map.of("Model", "x"))).hasMessageContaining("Looplab-Something");
    }
}
