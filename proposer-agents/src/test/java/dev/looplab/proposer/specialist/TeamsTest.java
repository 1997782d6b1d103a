package dev.looplab.proposer.specialist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.proposer.TaskFixtures;
import dev.looplab.trial.TrialStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generalist and the random baseline: valid edits across surfaces, the rules kept, no repeats. */
class TeamsTest {
    final List<String> surfaces = List.copyOf(TaskFixtures.task("golf-mini").surfaces().keySet());

    @Test
    void theGeneralistSearchesEverySurfaceWithOneModel() {
        Lineage lineage = new Lineage("golf-mini");
        GeneralistSpecialist generalist = new GeneralistSpecialist(surfaces);
        Set<String> touched = new HashSet<>();
        for (long seed = 0; seed < 14; seed++) {
            ProposedEdit edit = generalist.propose(lineage.context("0", seed)).orElseThrow();
            touched.add(edit.surface());
            assertThat(edit.specialist()).isEqualTo("generalist");
            assertThat(TaskFixtures.task("golf-mini").surface(edit.surface()))
                    .containsAll(changedKnobs(lineage, edit));
            lineage.record("0", edit, TrialStatus.discard, -0.01);
        }
        // untried surfaces get a bonus, so it spreads over most of them
        assertThat(touched).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void theRandomBaselineKeepsTheRulesAndNeverRepeats() {
        Lineage lineage = new Lineage("golf-mini");
        RandomSpecialist random = new RandomSpecialist(surfaces);
        Set<String> recipes = new HashSet<>();
        Set<String> touched = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            SpecialistContext ctx = lineage.context("0", seed);
            ProposedEdit edit = random.propose(ctx).orElseThrow();
            Recipe after = lineage.apply("0", edit);
            assertThat(ctx.constraints().violations(after.config())).isEmpty();
            assertThat(recipes.add(after.text())).isTrue();
            assertThat(edit.hypothesis()).contains("Random search");
            touched.add(edit.surface());
            lineage.record("0", edit, TrialStatus.discard, -0.01);
        }
        assertThat(touched).hasSizeGreaterThanOrEqualTo(5);
    }

    private static Set<String> changedKnobs(Lineage lineage, ProposedEdit edit) {
        var before = lineage.recipes.get("0").config();
        var after = lineage.apply("0", edit).config();
        Set<String> out = new HashSet<>();
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                out.add(k);
            }
        });
        return out;
    }
}
