package dev.looplab.proposer.specialist;

import dev.looplab.proposer.TaskFixtures;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.patch.Patch;
import dev.looplab.proposer.platform.CampaignView;
import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.proposer.platform.LineageRow;
import dev.looplab.proposer.search.History;
import dev.looplab.trial.TrialStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** A campaign's lineage kept in memory for specialist tests: rows, each trial's recipe, contexts from any trial. */
final class Lineage {
    final String task;
    final List<LineageRow> rows = new ArrayList<>();
    final Map<String, Recipe> recipes = new HashMap<>();
    private int next = 1;

    Lineage(String task) {
        this.task = task;
        Recipe root = TaskFixtures.recipe(task);
        recipes.put("0", root);
        rows.add(TaskFixtures.row("0", null, "baseline", "all", TrialStatus.keep, 3.9, null));
    }

    /** Records a trial of {@code parent} changing {@code changes} (name, new literal, ...). */
    String trial(String parent, String specialist, String surface, TrialStatus status, Double gain, Long bytes,
                 String... changes) {
        Map<String, String> to = new LinkedHashMap<>();
        for (int i = 0; i + 1 < changes.length; i += 2) {
            to.put(changes[i], changes[i + 1]);
        }
        return record(parent, specialist, surface, status, gain, bytes, recipes.get(parent).with(to));
    }

    /** Records {@code edit} (applied to {@code parent}) as a trial with {@code status}. */
    String record(String parent, ProposedEdit edit, TrialStatus status, Double gain) {
        return record(parent, edit.specialist(), edit.surface(), status, gain, null,
                Patch.parse(edit.diff()).applyTo(recipes.get(parent).text()));
    }

    private String record(String parent, String specialist, String surface, TrialStatus status, Double gain,
                          Long bytes, String text) {
        String id = Integer.toString(next++);
        Recipe before = recipes.get(parent);
        Recipe after = Recipe.of(before.path(), text);
        recipes.put(id, after);
        Map<String, String> newValues = KnobParser.literals(text);
        Map<String, KnobChange> knobs = new LinkedHashMap<>();
        before.config().forEach((k, v) -> {
            if (!v.equals(newValues.get(k))) {
                knobs.put(k, new KnobChange(v, newValues.get(k)));
            }
        });
        Double parentScore = rows.stream().filter(r -> r.trial().equals(parent)).findFirst().map(LineageRow::score)
                .orElse(3.9);
        Double score = gain == null || parentScore == null ? null : parentScore - gain;
        rows.add(new LineageRow(id, parent, specialist, surface, "proposal", status, score,
                gain == null ? null : -gain, null, null, knobs, "h",
                status.isFailure() ? (status == TrialStatus.crash ? "training diverged at step 40 (loss NaN)"
                        : status.name()) : null, bytes, null, null, null, null, 0, status.isFinal() ? 1L : null));
        return id;
    }

    SpecialistContext context(String best, long seed) {
        History history = History.of(rows, recipes.get("0").config(), true);
        Double score = rows.stream().filter(r -> r.trial().equals(best)).findFirst().map(LineageRow::score).orElse(3.9);
        CampaignView view = new CampaignView("c1", task, "0", best, score, "lower", 0, rows.size(), 30, "running",
                "specialists", null, null, 3.9, new CampaignView.NoiseFloor(0.005, 3, 3.9), 1, 1);
        return SpecialistContext.of("p" + seed, view, TaskFixtures.task(task), recipes.get(best), history,
                Optional.empty(), new Random(seed));
    }

    /** The recipe an edit makes of {@code parent}. */
    Recipe apply(String parent, ProposedEdit edit) {
        Recipe before = recipes.get(parent);
        return Recipe.of(before.path(), Patch.parse(edit.diff()).applyTo(before.text()));
    }
}
