package dev.looplab.lineage.importer;

import dev.looplab.trial.TrialStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads an Auto-Research-Recipes blackboard: {@code results.tsv} (one row per experiment), the optional
 * {@code tree.tsv} (exp_id, parent_exp, ...) and {@code snapshots/<exp>_<specialist>/} with the recipe files.
 */
final class ArrBlackboard {

    static final String RESULTS = "results.tsv";
    static final String TREE = "tree.tsv";

    /**
     * ARR statuses onto Looplab's. preflight_crash failed before any GPU time, like a refused proposal.
     * disqualified is ARR's accuracy gate (CIFAR mean accuracy over seeds below 0.96), not a legality probe, so
     * gate_miss. harness_abort is the harness failing, not the recipe, so worker_lost rather than crash.
     */
    static final Map<String, TrialStatus> STATUSES = Map.ofEntries(
            Map.entry("keep", TrialStatus.keep), Map.entry("discard", TrialStatus.discard),
            Map.entry("crash", TrialStatus.crash), Map.entry("size_blocked", TrialStatus.size_blocked),
            Map.entry("preflight_crash", TrialStatus.preflight_reject),
            Map.entry("eval_budget_overrun", TrialStatus.eval_budget_overrun),
            Map.entry("train_budget_overrun", TrialStatus.train_budget_overrun),
            Map.entry("disqualified", TrialStatus.gate_miss), Map.entry("harness_abort", TrialStatus.worker_lost),
            Map.entry("baseline", TrialStatus.keep),
            // not ARR's: Looplab's export writes a trial its causality probe refused as illegal
            Map.entry("illegal", TrialStatus.illegal));

    // Columns every ARR results.tsv has; the others are the task's own (val_bpb, accuracy, core_metric, ...).
    private static final Set<String> BOOKKEEPING = Set.of("exp_id", "timestamp", "specialist", "parent_exp",
            "baseline_exp", "domain", "hypothesis", "expected_delta", "status", "delta_vs_best", "job_name",
            "snapshot_path", "notes");
    private static final Set<String> NO_PARENT = Set.of("", "-", "none", "null", "root", "nan");
    // tree.tsv: exp_id, parent_exp, depth, path, specialist, status, <score column>, delta_vs_best, hypothesis
    private static final Set<String> TREE_COLUMNS = Set.of("exp_id", "parent_exp", "specialist", "status",
            "delta_vs_best", "hypothesis");
    // snapshot folders are also found by the key of their exp id under this prefix, which no folder name has
    private static final String KEYED = "/";
    static final double DEFAULT_GATE = 0.96;
    static final String BEST = "best.json";

    private ArrBlackboard() {
    }

    /** The score column, its better direction, and for a timed score the accuracy gate it is valid from. */
    record Score(String column, String direction, String gateColumn, Double gate) {
    }

    static SourceHistory read(Path dir, ImportOptions options, String sourceKey) {
        Path resultsFile = dir.resolve(RESULTS);
        if (!Files.isRegularFile(resultsFile)) {
            throw new ImportException("ARR blackboard " + dir + " has no " + RESULTS
                    + "; pass the blackboard folder that holds results.tsv, tree.tsv and snapshots/");
        }
        Tsv results = Tsv.read(resultsFile, RESULTS);
        for (String required : List.of("exp_id", "status")) {
            if (!results.hasColumn(required)) {
                throw new ImportException(resultsFile + " has no '" + required + "' column (header: "
                        + String.join(", ", results.header()) + "); is this an ARR blackboard's results.tsv?");
            }
        }
        List<SkippedRow> skipped = new ArrayList<>();
        List<RecoveredRow> recovered = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Score score = score(results, options, warnings, dir);
        Map<String, Tsv.Row> tree = tree(dir, skipped);
        Map<String, List<Path>> snapshots = snapshotFolders(dir);

        List<Tsv.Row> rows = new ArrayList<>(results.rows());
        for (Tsv.Broken broken : results.broken()) {
            Tsv.Row row = recover(broken, results, tree, score);
            if (row == null) {
                String expId = broken.fields().isEmpty() ? "" : broken.fields().get(0).strip();
                skipped.add(new SkippedRow(RESULTS, broken.line(), "has " + broken.fields().size()
                        + " tab-separated fields but the header has " + results.header().size()
                        + (tree.isEmpty() ? " and there is no " + TREE + " to recover it from"
                                : " and " + TREE + " has no row for exp_id '" + expId + "'")
                        + "; restore the tabs between its fields"));
            } else {
                rows.add(row);
                recovered.add(new RecoveredRow(RESULTS, broken.line(), row.get("exp_id"), "had "
                        + broken.fields().size() + " tab-separated fields of " + results.header().size()
                        + " (spaces after a quoted hypothesis); parent, status, score and hypothesis read from "
                        + TREE + ":" + tree.get(key(row.get("exp_id"))).line()));
            }
        }
        rows.sort(java.util.Comparator.comparingInt(Tsv.Row::line));

        Map<String, String> idsByKey = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (Tsv.Row row : rows) {
            String expId = row.get("exp_id");
            String sourceStatus = row.get("status").toLowerCase(Locale.ROOT);
            if (expId.isEmpty()) {
                skipped.add(new SkippedRow(RESULTS, row.line(), "exp_id is empty; give the row its experiment id"));
                continue;
            }
            if (seen.containsKey(expId) || idsByKey.containsKey(key(expId))) {
                skipped.add(new SkippedRow(RESULTS, row.line(), "exp_id " + expId + " is already on line "
                        + seen.getOrDefault(expId, seen.get(idsByKey.get(key(expId)))) + "; the first row is kept"));
                continue;
            }
            TrialStatus status = STATUSES.get(sourceStatus);
            if (status == null) {
                skipped.add(new SkippedRow(RESULTS, row.line(), "status '" + row.get("status") + "' of " + expId
                        + " is not an ARR status (" + String.join(", ", STATUSES.keySet().stream().sorted().toList())
                        + "); correct the status cell"));
                continue;
            }
            seen.put(expId, row.line());
            idsByKey.put(key(expId), expId);
            candidates.add(new Candidate(trial(row, expId, sourceStatus, status, score, dir, snapshots, warnings),
                    row));
        }
        List<Candidate> withParents = new ArrayList<>();
        for (Candidate c : candidates) {
            withParents.add(new Candidate(c.trial(), c.row(), parentOf(c.row(), tree, idsByKey, warnings)));
        }
        SourceHistory.BestClaim claim = bestClaim(dir, score, idsByKey, warnings);
        return ordered(dir, sourceKey, withParents, skipped, recovered, warnings, score, claim, knowledge(dir));
    }

    private record Candidate(SourceTrial trial, Tsv.Row row, String parent) {
        Candidate(SourceTrial trial, Tsv.Row row) {
            this(trial, row, null);
        }
    }

    /**
     * The canonical form of an experiment id, so that {@code exp_007}, {@code exp007}, {@code 007} and {@code 7}
     * name the same experiment (ARR writes parent_exp as exp_NNN where exp_id is NNN in some runs).
     */
    static String key(String id) {
        String k = id.strip().toLowerCase(Locale.ROOT).replaceFirst("^exp(?:[_-](?=.)|(?=\\d))", "");
        if (k.matches("\\d+")) {
            k = k.replaceFirst("^0+(?=\\d)", "");
        }
        return k;
    }

    /** A line that lost its tabs after the hypothesis, rebuilt from its tree.tsv row; null when that row is missing. */
    private static Tsv.Row recover(Tsv.Broken broken, Tsv results, Map<String, Tsv.Row> tree, Score score) {
        if (broken.fields().isEmpty()) {
            return null;
        }
        String expId = broken.fields().get(0).strip();
        Tsv.Row treeRow = tree.get(key(expId));
        if (expId.isEmpty() || treeRow == null) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        results.header().forEach(column -> values.put(column, ""));
        // The fields before the broken one are in their columns; the last holds the rest joined by spaces.
        int intact = Math.min(broken.fields().size() - 1, results.header().size());
        for (int c = 0; c < intact; c++) {
            values.put(results.header().get(c), broken.fields().get(c).strip());
        }
        values.put("exp_id", expId);
        for (String column : TREE_COLUMNS) {
            if (treeRow.has(column) && values.containsKey(column) || column.equals("parent_exp")) {
                values.put(column, treeRow.get(column));
            }
        }
        if (score != null && treeRow.has(score.column())) {
            values.put(score.column(), treeRow.get(score.column()));
        }
        int hypothesis = results.header().indexOf("hypothesis");
        if (values.get("hypothesis") == null || values.get("hypothesis").isEmpty()) {
            if (hypothesis >= 0 && hypothesis == broken.fields().size() - 1) {
                values.put("hypothesis", broken.fields().get(hypothesis).strip());
            }
        }
        values.put("recovered_from", TREE + ":" + treeRow.line());
        return new Tsv.Row(broken.line(), values);
    }

    /** The score column: --score, else by the task's columns (NanoChat, CIFAR/Airbench, Parameter Golf, others). */
    static Score score(Tsv results, ImportOptions options, List<String> warnings, Path dir) {
        String accuracy = results.hasColumn("accuracy") ? "accuracy" : results.hasColumn("acc") ? "acc" : null;
        if (options.scoreColumn() != null) {
            String column = options.scoreColumn();
            if (!results.hasColumn(column)) {
                throw new ImportException("--score " + column + " is not a column of " + RESULTS + " (header: "
                        + String.join(", ", results.header()) + "); pass one of those columns");
            }
            String direction = options.direction() != null ? options.direction() : knownDirection(column);
            if (direction == null) {
                throw new ImportException("--score " + column + " has no known direction; add --direction lower"
                        + " or --direction higher");
            }
            boolean timed = column.equals("train_s") && accuracy != null;
            return new Score(column, direction, timed ? accuracy : null, timed ? gate(options) : null);
        }
        Score detected;
        if (results.hasColumn("core_metric")) {
            detected = new Score("core_metric", "higher", null, null);
        } else if (results.hasColumn("train_s") && accuracy != null) {
            detected = new Score("train_s", "lower", accuracy, gate(options));
        } else {
            detected = null;
            for (String column : List.of("val_bpb", "core", "accuracy", "acc", "val_loss")) {
                if (results.hasColumn(column)) {
                    detected = new Score(column, knownDirection(column), null, null);
                    break;
                }
            }
        }
        if (detected == null && results.hasColumn("score")) {
            // a Looplab export: the column is "score" and best.json says which way is better
            String direction = options.direction() != null ? options.direction() : bestJsonDirection(dir);
            if (direction == null) {
                throw new ImportException(RESULTS + " has a score column but neither best.json nor --direction says"
                        + " which way is better; pass --direction lower or --direction higher");
            }
            return new Score("score", direction, null, null);
        }
        if (detected == null) {
            warnings.add(RESULTS + " has none of the score columns core_metric, train_s with accuracy, val_bpb, CORE,"
                    + " accuracy, val_loss; trials are imported without scores (pass --score COLUMN --direction"
                    + " lower|higher)");
            return null;
        }
        if (options.direction() != null && !options.direction().equals(detected.direction())) {
            detected = new Score(detected.column(), options.direction(), detected.gateColumn(), detected.gate());
        }
        return detected;
    }

    private static String bestJsonDirection(Path dir) {
        Path file = dir.resolve(BEST);
        try {
            com.fasterxml.jackson.databind.JsonNode json = Files.isRegularFile(file)
                    ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()) : null;
            String direction = json == null || !json.hasNonNull("direction") ? null : json.get("direction").asText();
            return "lower".equals(direction) || "higher".equals(direction) ? direction : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static double gate(ImportOptions options) {
        return options.gate() != null ? options.gate() : DEFAULT_GATE;
    }

    private static String knownDirection(String column) {
        return switch (column) {
            case "val_bpb", "val_loss", "train_s", "total_s", "bpb", "loss" -> "lower";
            case "core_metric", "core", "accuracy", "acc" -> "higher";
            default -> null;
        };
    }

    private static SourceHistory ordered(Path dir, String sourceKey, List<Candidate> candidates,
            List<SkippedRow> skipped, List<RecoveredRow> recovered, List<String> warnings, Score score,
            SourceHistory.BestClaim claim, String knowledge) {
        Candidate rootCandidate = candidates.stream().filter(c -> c.trial().sourceStatus().equals("baseline"))
                .findFirst().orElse(null);
        SourceTrial root;
        if (rootCandidate != null) {
            candidates.remove(rootCandidate);
            root = rootCandidate.trial();
        } else {
            root = new SourceTrial("root", null, 0, "baseline", "all",
                    "Baseline of the imported ARR history; its code and score are unknown", null, "baseline", TrialStatus.keep,
                    null, Map.of(), Map.of(), null, null, results(dir) + " has no baseline row", null, null,
                    "no baseline row in " + RESULTS);
            warnings.add(RESULTS + " has no row with status baseline; the root is an empty commit saying the"
                    + " baseline's code is unknown");
        }
        // Parents before children, whatever the row order; a row whose parent never appears is reported.
        Map<String, SourceTrial> placed = new HashMap<>();
        placed.put(root.sourceId(), root);
        List<SourceTrial> ordered = new ArrayList<>();
        List<Candidate> pending = new ArrayList<>(candidates);
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            List<Candidate> still = new ArrayList<>();
            for (Candidate c : pending) {
                String parent = c.parent() == null || c.parent().equals(c.trial().sourceId()) && c == rootCandidate
                        ? root.sourceId() : c.parent();
                if (placed.containsKey(parent)) {
                    SourceTrial trial = withParent(c.trial(), parent);
                    placed.put(trial.sourceId(), trial);
                    ordered.add(trial);
                    progress = true;
                } else {
                    still.add(c);
                }
            }
            pending = still;
        }
        for (Candidate c : pending) {
            skipped.add(new SkippedRow(RESULTS, c.trial().line(), "parent_exp " + c.parent() + " of "
                    + c.trial().sourceId() + " is not an imported row (missing, skipped, or a cycle); add the parent's"
                    + " row or correct parent_exp"));
        }
        skipped.sort(java.util.Comparator.comparing(SkippedRow::file).thenComparingInt(SkippedRow::line));
        return new SourceHistory(ImportFormat.arr, sourceKey, score == null ? null : score.column(),
                score == null ? null : score.direction(), root, ordered, skipped, recovered, warnings, claim, knowledge);
    }

    private static String results(Path dir) {
        return dir.resolve(RESULTS).toString();
    }

    private static SourceTrial withParent(SourceTrial t, String parent) {
        return new SourceTrial(t.sourceId(), parent, t.line(), t.specialist(), t.surface(), t.hypothesis(),
                t.expectedDelta(), t.sourceStatus(), t.status(), t.score(), t.metrics(), t.raw(), t.trainSeconds(),
                t.deltaVsBest(), t.feedback(), t.time(), t.files(), t.code());
    }

    private static SourceTrial trial(Tsv.Row row, String expId, String sourceStatus, TrialStatus status, Score score,
            Path dir, Map<String, List<Path>> snapshots, List<String> warnings) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        row.values().forEach((column, value) -> {
            if (!BOOKKEEPING.contains(column) && !value.isEmpty()) {
                metrics.put(column, SourceValues.numberOrText(value));
            }
        });
        metrics.put("source_status", sourceStatus);
        String deltaText = row.get("expected_delta");
        Double expectedDelta = SourceValues.looseNumber(deltaText);
        if (!deltaText.isEmpty() && !(SourceValues.numberOrText(deltaText) instanceof Double)) {
            // free text such as minus_0.0003: the number is parsed where one is meant, the text is kept as written
            metrics.put("expected_delta_text", deltaText);
        }
        Double scoreValue = null;
        String feedback = row.has("notes") ? row.get("notes") : null;
        if (score != null && status != TrialStatus.crash && status != TrialStatus.preflight_reject
                && status != TrialStatus.size_blocked && status != TrialStatus.worker_lost) {
            Object value = SourceValues.numberOrText(row.get(score.column()));
            if (value instanceof Double d) {
                scoreValue = d;
            } else if (value != null) {
                warnings.add(RESULTS + ":" + row.line() + ": " + score.column() + " '" + value + "' of " + expId
                        + " is not a number; imported without a score");
            }
            if (scoreValue != null && score.gateColumn() != null) {
                Object accuracy = SourceValues.numberOrText(row.get(score.gateColumn()));
                if (!(accuracy instanceof Double a) || a < score.gate()) {
                    // train_s only counts when the accuracy gate holds (CIFAR/Airbench)
                    scoreValue = null;
                    if (status.isScored() && status != TrialStatus.gate_miss) {
                        String why = score.gateColumn() + " " + (accuracy == null ? "missing" : accuracy)
                                + " is below the gate " + score.gate();
                        feedback = feedback == null ? why : feedback + "; " + why;
                        if (status == TrialStatus.keep && !sourceStatus.equals("baseline")) {
                            warnings.add(RESULTS + ":" + row.line() + ": kept " + expId + " has " + why
                                    + "; imported as gate_miss (pass --gate to change the gate)");
                        }
                        status = sourceStatus.equals("baseline") ? status : TrialStatus.gate_miss;
                    }
                }
            }
        }
        String specialist = row.has("specialist") ? row.get("specialist") : "unknown";
        String surface = row.has("domain") ? row.get("domain") : specialist;
        String hypothesis = row.has("hypothesis") ? row.get("hypothesis")
                : "Experiment " + expId + " (no hypothesis recorded)";
        Instant time = SourceValues.time(row.get("timestamp"));
        if (time == null && row.has("timestamp")) {
            warnings.add(RESULTS + ":" + row.line() + ": timestamp '" + row.get("timestamp") + "' of " + expId
                    + " is not a date; the commit gets the import's time order instead");
        }
        Path snapshot = snapshot(row, expId, specialist, dir, snapshots, warnings);
        Map<String, byte[]> files = snapshot == null ? null
                : SourceValues.files(snapshot, "snapshot of " + expId, warnings);
        String code;
        if (files != null && files.isEmpty()) {
            files = null;
            code = "snapshot " + dir.relativize(snapshot) + " holds no files";
        } else {
            code = files != null ? "snapshot " + dir.relativize(snapshot)
                    : "no snapshot of " + expId + " in snapshots/ (ARR keeps snapshots of kept experiments only)";
        }
        Object trainSeconds = metrics.get("train_s");
        Object deltaVsBest = SourceValues.numberOrText(row.get("delta_vs_best"));
        return new SourceTrial(expId, null, row.line(), specialist, surface, hypothesis, expectedDelta, sourceStatus,
                status, scoreValue, metrics, Map.copyOf(row.values()), trainSeconds instanceof Double d ? d : null,
                deltaVsBest instanceof Double d ? d : null, feedback, time, files, code);
    }

    private static Path snapshot(Tsv.Row row, String expId, String specialist, Path dir, Map<String, List<Path>> snapshots,
            List<String> warnings) {
        if (row.has("snapshot_path")) {
            Path named = dir.resolve(row.get("snapshot_path")).normalize();
            if (Files.isDirectory(named)) {
                return named;
            }
            Path underSnapshots = dir.resolve("snapshots").resolve(Path.of(row.get("snapshot_path")).getFileName());
            if (Files.isDirectory(underSnapshots)) {
                return underSnapshots;
            }
            warnings.add(RESULTS + ":" + row.line() + ": snapshot_path " + row.get("snapshot_path") + " of " + expId
                    + " is not a folder here; looked in snapshots/ instead");
        }
        for (String suffix : List.of(row.get("domain"), specialist)) {
            List<Path> exact = snapshots.get(expId + "_" + suffix);
            if (exact != null) {
                return exact.get(0);
            }
        }
        // snapshots/<exp_id>_<domain>/, where the folder may spell the id as exp_NNN or NNN
        List<Path> prefixed = snapshots.getOrDefault(KEYED + key(expId), List.of());
        return prefixed.size() == 1 ? prefixed.get(0) : null;
    }

    /** Snapshot folders by name, and by {@link #KEYED} plus the key of the exp id they start with. */
    private static Map<String, List<Path>> snapshotFolders(Path dir) {
        Path folder = dir.resolve("snapshots");
        Map<String, List<Path>> snapshots = new HashMap<>();
        if (!Files.isDirectory(folder)) {
            return snapshots;
        }
        try (Stream<Path> children = Files.list(folder)) {
            children.filter(Files::isDirectory).sorted().forEach(p -> {
                String name = p.getFileName().toString();
                snapshots.put(name, List.of(p));
                // <exp_id>_<domain>, where the id may hold underscores itself (exp_001_opt)
                Set<String> keys = new java.util.HashSet<>();
                for (int i = name.indexOf('_'); i > 0; i = name.indexOf('_', i + 1)) {
                    keys.add(key(name.substring(0, i)));
                }
                keys.forEach(key -> snapshots.computeIfAbsent(KEYED + key, k -> new ArrayList<>()).add(p));
            });
        } catch (IOException e) {
            throw new ImportException("cannot list " + folder + ": " + e.getMessage() + "; check its permissions", e);
        }
        return snapshots;
    }

    private static String parentOf(Tsv.Row row, Map<String, Tsv.Row> tree, Map<String, String> idsByKey,
            List<String> warnings) {
        String expId = row.get("exp_id");
        String own = row.get("parent_exp");
        Tsv.Row treeRow = tree.get(key(expId));
        String fromTree = treeRow == null || NO_PARENT.contains(treeRow.get("parent_exp").toLowerCase(Locale.ROOT))
                ? null : treeRow.get("parent_exp");
        if (!NO_PARENT.contains(own.toLowerCase(Locale.ROOT))) {
            if (fromTree != null && !key(fromTree).equals(key(own))) {
                warnings.add(RESULTS + ":" + row.line() + ": parent_exp of " + expId + " is " + own + " but "
                        + TREE + " says " + fromTree + "; results.tsv is followed");
            }
            return idsByKey.getOrDefault(key(own), own);
        }
        if (fromTree != null) {
            return idsByKey.getOrDefault(key(fromTree), fromTree);
        }
        String baseline = row.get("baseline_exp");
        return NO_PARENT.contains(baseline.toLowerCase(Locale.ROOT)) || key(baseline).equals(key(expId)) ? null
                : idsByKey.getOrDefault(key(baseline), baseline);
    }

    /** tree.tsv rows by the key of their exp_id; empty without the file. */
    private static Map<String, Tsv.Row> tree(Path dir, List<SkippedRow> skipped) {
        Map<String, Tsv.Row> rows = new HashMap<>();
        Path file = dir.resolve(TREE);
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        Tsv tree = Tsv.read(file, TREE);
        if (!tree.hasColumn("exp_id") || !tree.hasColumn("parent_exp") && !tree.hasColumn("parent")) {
            skipped.add(new SkippedRow(TREE, 1, "header has no exp_id and parent_exp columns ("
                    + String.join(", ", tree.header()) + "); tree.tsv is ignored"));
            return rows;
        }
        skipped.addAll(tree.malformed());
        for (Tsv.Row row : tree.rows()) {
            if (row.get("exp_id").isEmpty()) {
                skipped.add(new SkippedRow(TREE, row.line(), "exp_id is empty"));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>(row.values());
            if (!values.containsKey("parent_exp")) {
                values.put("parent_exp", row.get("parent"));
            }
            rows.putIfAbsent(key(row.get("exp_id")), new Tsv.Row(row.line(), values));
        }
        return rows;
    }

    /** best.json: the run's own best experiment and score, read leniently; null without the file. */
    private static SourceHistory.BestClaim bestClaim(Path dir, Score score, Map<String, String> idsByKey,
            List<String> warnings) {
        Path file = dir.resolve(BEST);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            warnings.add(BEST + " is not JSON (" + e.getMessage().lines().findFirst().orElse("") + "); it is ignored"
                    + " and the best is the last kept experiment");
            return null;
        }
        String named = null;
        for (String field : List.of("exp_id", "best_exp", "best_exp_id", "experiment", "exp", "id")) {
            if (json.hasNonNull(field) && !json.get(field).isContainerNode()) {
                named = json.get(field).asText();
                break;
            }
        }
        if (named == null) {
            warnings.add(BEST + " names no experiment (no exp_id field); it is ignored");
            return null;
        }
        Double claimed = null;
        List<String> scoreFields = new ArrayList<>();
        if (score != null) {
            scoreFields.add(score.column());
        }
        scoreFields.addAll(List.of("score", "best_score", "value", "metric"));
        for (String field : scoreFields) {
            if (json.hasNonNull(field) && json.get(field).isNumber()) {
                claimed = json.get(field).asDouble();
                break;
            }
            if (json.hasNonNull(field) && json.get(field).isTextual()) {
                claimed = SourceValues.looseNumber(json.get(field).asText());
                if (claimed != null) {
                    break;
                }
            }
        }
        return new SourceHistory.BestClaim(BEST, idsByKey.get(key(named)), named, claimed);
    }

    /** KNOWLEDGE.md, then LEADERBOARD.md under its own heading; null when the blackboard has neither. */
    private static String knowledge(Path dir) {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("KNOWLEDGE.md", "LEADERBOARD.md")) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                String content = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                text.append("<!-- imported from ").append(name).append(" -->\n").append(content).append('\n');
            } catch (IOException e) {
                throw new ImportException("cannot read " + file + ": " + e.getMessage() + "; check it is readable UTF-8",
                        e);
            }
        }
        return text.isEmpty() ? null : text.toString();
    }
}
