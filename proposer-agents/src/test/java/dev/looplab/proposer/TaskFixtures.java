package dev.looplab.proposer;

import dev.looplab.proposer.platform.CampaignView;
import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.proposer.platform.LineageRow;
import dev.looplab.proposer.platform.TaskView;
import dev.looplab.proposer.search.History;
import dev.looplab.proposer.specialist.Recipe;
import dev.looplab.proposer.specialist.SpecialistContext;
import dev.looplab.trial.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in tasks of this checkout as the platform serves them (read from {@code recipes/<task>/task.yaml} by a
 * few patterns: the proposer has no YAML parser of its own), their recipes, and lineage rows and contexts for
 * specialist tests.
 */
public final class TaskFixtures {
    public static final Path RECIPES = Path.of("..", "recipes").toAbsolutePath().normalize();
    private static final Pattern SURFACE = Pattern.compile("^  ([a-z_]+): \\[([^\\]]*)\\]", Pattern.MULTILINE);

    private TaskFixtures() {
    }

    public static TaskView task(String name) {
        String yaml = read(RECIPES.resolve(name).resolve("task.yaml"));
        Map<String, List<String>> surfaces = new LinkedHashMap<>();
        String block = yaml.substring(yaml.indexOf("surfaces:"));
        Matcher m = SURFACE.matcher(block);
        while (m.find()) {
            surfaces.put(m.group(1), Arrays.stream(m.group(2).split(",")).map(String::trim).toList());
        }
        return new TaskView(name, "", value(yaml, "runtime", "djl"), value(yaml, "entry", null),
                Integer.parseInt(value(yaml, "train_budget_seconds", "0")),
                Integer.parseInt(value(yaml, "eval_budget_seconds", "0")),
                Long.parseLong(value(yaml, "artifact_cap_bytes", "1000000").replace("_", "")),
                Double.parseDouble(value(yaml, "keep_threshold", "0")),
                Double.parseDouble(value(yaml, "gate_accuracy", "0")), Integer.parseInt(value(yaml, "runs", "1")),
                surfaces, List.of("task.yaml"), name.equals("nanochat-d12") ? "higher" : "lower");
    }

    public static Recipe recipe(String task) {
        String entry = task(task).entry();
        return Recipe.of(entry, read(RECIPES.resolve(task).resolve(entry)));
    }

    public static List<String> tasks() {
        return List.of("golf-mini", "airbench-mini", "parameter-golf", "nanochat-d12", "airbench96");
    }

    /** A running campaign of {@code task} whose best trial is {@code best} with {@code score}. */
    public static CampaignView campaign(String task, String best, double score) {
        return new CampaignView("c1", task, "0", best, score, task.equals("nanochat-d12") ? "higher" : "lower", 0, 1,
                30, "running", "specialists", null, null, score, new CampaignView.NoiseFloor(0.005, 3, score), 1, 1);
    }

    /** A lineage row: trial, parent, specialist, surface, knob changes (name, from, to, ...), status and score. */
    public static LineageRow row(String trial, String parent, String specialist, String surface, TrialStatus status,
                                 Double score, Double deltaVsParent, String... changes) {
        Map<String, KnobChange> knobs = new LinkedHashMap<>();
        for (int i = 0; i + 2 < changes.length; i += 3) {
            knobs.put(changes[i], new KnobChange(changes[i + 1], changes[i + 2]));
        }
        return new LineageRow(trial, parent, specialist, surface, parent == null ? "root" : "proposal", status, score,
                deltaVsParent, null, null, knobs, "h", status != null && status.isFailure() ? "failed" : null, null,
                null, null, null, null, 0, status != null && status.isFinal() ? 1L : null);
    }

    /** A context for a proposal from {@code best} of {@code task} with {@code rows} as lineage (the root row added). */
    public static SpecialistContext context(String task, Recipe best, List<LineageRow> rows, long seed) {
        List<LineageRow> all = new ArrayList<>();
        all.add(row("0", null, "baseline", "all", TrialStatus.keep, 3.9, null));
        all.addAll(rows);
        String bestTrial = rows.stream().filter(r -> r.status() == TrialStatus.keep).reduce((a, b) -> b)
                .map(LineageRow::trial).orElse("0");
        History history = History.of(all, recipe(task).config(), !task.equals("nanochat-d12"));
        return SpecialistContext.of("p", campaign(task, bestTrial, 3.9), task(task), best, history, Optional.empty(),
                new Random(seed));
    }

    private static String value(String yaml, String key, String fallback) {
        Matcher m = Pattern.compile("^" + key + ":\\s*(\\S+)", Pattern.MULTILINE).matcher(yaml);
        return m.find() ? m.group(1) : fallback;
    }

    public static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(path + " is missing: run the tests from a full checkout of Looplab", e);
        }
    }
}
