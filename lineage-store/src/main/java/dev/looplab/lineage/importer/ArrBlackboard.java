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
            Map.entry("baseline", TrialStatus.keep));

    // Columns every ARR results.tsv has; the others are the task's own (val_bpb, accuracy, CORE, ...).
    private static final Set<String> BOOKKEEPING = Set.of("exp_id", "timestamp", "specialist", "parent_exp",
            "baseline_exp", "domain", "hypothesis", "expected_delta", "status", "delta_vs_best", "job_name",
            "snapshot_path", "notes");
    private static final Set<String> NO_PARENT = Set.of("", "-", "none", "null", "root", "nan");
    // Score columns in order of preference, with the better direction.
    private static final List<String[]> SCORES = List.of(new String[] {"val_bpb", "lower"},
            new String[] {"core", "higher"}, new String[] {"accuracy", "higher"}, new String[] {"acc", "higher"},
            new String[] {"val_loss", "lower"});

    private ArrBlackboard() {
    }

    static SourceHistory read(Path dir) {
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
        List<SkippedRow> skipped = new ArrayList<>(results.malformed());
        List<String> warnings = new ArrayList<>();
        Map<String, String> treeParents = treeParents(dir, skipped);
        String[] score = SCORES.stream().filter(s -> results.hasColumn(s[0])).findFirst().orElse(null);
        if (score == null) {
            warnings.add(RESULTS + " has none of the score columns val_bpb, CORE, accuracy, val_loss;"
                    + " trials are imported without scores");
        }
        Map<String, Path> snapshots = snapshotFolders(dir);

        Map<String, Integer> seen = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (Tsv.Row row : results.rows()) {
            String expId = row.get("exp_id");
            String sourceStatus = row.get("status").toLowerCase(Locale.ROOT);
            if (expId.isEmpty()) {
                skipped.add(new SkippedRow(RESULTS, row.line(), "exp_id is empty"));
                continue;
            }
            if (seen.containsKey(expId)) {
                skipped.add(new SkippedRow(RESULTS, row.line(), "exp_id " + expId + " is already on line "
                        + seen.get(expId) + "; the first row is kept"));
                continue;
            }
            TrialStatus status = STATUSES.get(sourceStatus);
            if (status == null) {
                skipped.add(new SkippedRow(RESULTS, row.line(), "status '" + row.get("status") + "' of " + expId
                        + " is not an ARR status (" + String.join(", ", STATUSES.keySet().stream().sorted().toList())
                        + ")"));
                continue;
            }
            SourceTrial trial;
            try {
                trial = trial(row, expId, sourceStatus, status, score, dir, snapshots, warnings);
            } catch (NumberFormatException e) {
                skipped.add(new SkippedRow(RESULTS, row.line(), "a number of " + expId + " does not parse ("
                        + e.getMessage() + ")"));
                continue;
            }
            seen.put(expId, row.line());
            candidates.add(new Candidate(trial, parentOf(row, treeParents, warnings)));
        }
        return ordered(dir, candidates, skipped, warnings, score);
    }

    private record Candidate(SourceTrial trial, String parent) {
    }

    private static SourceHistory ordered(Path dir, List<Candidate> candidates, List<SkippedRow> skipped,
            List<String> warnings, String[] score) {
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
        Map<String, SourceTrial> placed = new LinkedHashMap<>();
        placed.put(root.sourceId(), root);
        List<SourceTrial> ordered = new ArrayList<>();
        List<Candidate> pending = new ArrayList<>(candidates);
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (var it = pending.iterator(); it.hasNext(); ) {
                Candidate c = it.next();
                String parent = c.parent() == null ? root.sourceId() : c.parent();
                if (placed.containsKey(parent)) {
                    SourceTrial trial = withParent(c.trial(), parent);
                    placed.put(trial.sourceId(), trial);
                    ordered.add(trial);
                    it.remove();
                    progress = true;
                }
            }
        }
        for (Candidate c : pending) {
            skipped.add(new SkippedRow(RESULTS, c.trial().line(), "parent_exp " + c.parent() + " of "
                    + c.trial().sourceId() + " is not an imported row (missing, skipped, or a cycle)"));
        }
        skipped.sort(java.util.Comparator.comparing(SkippedRow::file).thenComparingInt(SkippedRow::line));
        return new SourceHistory(ImportFormat.arr, "arr " + dir, score == null ? null : score[0],
                score == null ? null : score[1], root, ordered, skipped, warnings);
    }

    private static String results(Path dir) {
        return dir.resolve(RESULTS).toString();
    }

    private static SourceTrial withParent(SourceTrial t, String parent) {
        return new SourceTrial(t.sourceId(), parent, t.line(), t.specialist(), t.surface(), t.hypothesis(),
                t.expectedDelta(), t.sourceStatus(), t.status(), t.score(), t.metrics(), t.raw(), t.trainSeconds(),
                t.deltaVsBest(), t.feedback(), t.time(), t.files(), t.code());
    }

    private static SourceTrial trial(Tsv.Row row, String expId, String sourceStatus, TrialStatus status, String[] score,
            Path dir, Map<String, Path> snapshots, List<String> warnings) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        row.values().forEach((column, value) -> {
            if (!BOOKKEEPING.contains(column) && !value.isEmpty()) {
                metrics.put(column, SourceValues.numberOrText(value));
            }
        });
        metrics.put("source_status", sourceStatus);
        Double scoreValue = null;
        if (score != null && status != TrialStatus.crash && status != TrialStatus.preflight_reject
                && status != TrialStatus.size_blocked && status != TrialStatus.worker_lost) {
            scoreValue = SourceValues.number(row.get(score[0]));
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
            code = files != null ? "snapshot " + dir.relativize(snapshot) : "no snapshot of " + expId + " in snapshots/";
        }
        Object trainSeconds = metrics.get("train_s");
        return new SourceTrial(expId, null, row.line(), specialist, surface, hypothesis,
                SourceValues.number(row.get("expected_delta")), sourceStatus, status, scoreValue, metrics,
                Map.copyOf(row.values()), trainSeconds instanceof Double d ? d : null,
                SourceValues.number(row.get("delta_vs_best")), row.has("notes") ? row.get("notes") : null, time,
                files, code);
    }

    private static Path snapshot(Tsv.Row row, String expId, String specialist, Path dir, Map<String, Path> snapshots,
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
        Path exact = snapshots.get(expId + "_" + specialist);
        if (exact != null) {
            return exact;
        }
        List<Path> prefixed = snapshots.entrySet().stream().filter(e -> e.getKey().startsWith(expId + "_"))
                .map(Map.Entry::getValue).toList();
        return prefixed.size() == 1 ? prefixed.get(0) : null;
    }

    private static Map<String, Path> snapshotFolders(Path dir) {
        Path folder = dir.resolve("snapshots");
        Map<String, Path> snapshots = new HashMap<>();
        if (!Files.isDirectory(folder)) {
            return snapshots;
        }
        try (Stream<Path> children = Files.list(folder)) {
            children.filter(Files::isDirectory).forEach(p -> snapshots.put(p.getFileName().toString(), p));
        } catch (IOException e) {
            throw new ImportException("cannot list " + folder + ": " + e.getMessage() + "; check its permissions", e);
        }
        return snapshots;
    }

    private static String parentOf(Tsv.Row row, Map<String, String> treeParents, List<String> warnings) {
        String expId = row.get("exp_id");
        String own = row.get("parent_exp");
        String tree = treeParents.get(expId);
        if (!NO_PARENT.contains(own.toLowerCase(Locale.ROOT))) {
            if (tree != null && !tree.equals(own)) {
                warnings.add(RESULTS + ":" + row.line() + ": parent_exp of " + expId + " is " + own + " but "
                        + TREE + " says " + tree + "; results.tsv is followed");
            }
            return own;
        }
        if (tree != null) {
            return tree;
        }
        String baseline = row.get("baseline_exp");
        return NO_PARENT.contains(baseline.toLowerCase(Locale.ROOT)) || baseline.equals(expId) ? null : baseline;
    }

    private static Map<String, String> treeParents(Path dir, List<SkippedRow> skipped) {
        Map<String, String> parents = new HashMap<>();
        Path file = dir.resolve(TREE);
        if (!Files.isRegularFile(file)) {
            return parents;
        }
        Tsv tree = Tsv.read(file, TREE);
        String parentColumn = tree.hasColumn("parent_exp") ? "parent_exp" : tree.hasColumn("parent") ? "parent" : null;
        if (!tree.hasColumn("exp_id") || parentColumn == null) {
            skipped.add(new SkippedRow(TREE, 1, "header has no exp_id and parent_exp columns ("
                    + String.join(", ", tree.header()) + "); tree.tsv is ignored"));
            return parents;
        }
        skipped.addAll(tree.malformed());
        for (Tsv.Row row : tree.rows()) {
            String parent = row.get(parentColumn);
            if (row.get("exp_id").isEmpty()) {
                skipped.add(new SkippedRow(TREE, row.line(), "exp_id is empty"));
            } else if (!NO_PARENT.contains(parent.toLowerCase(Locale.ROOT))) {
                parents.put(row.get("exp_id"), parent);
            }
        }
        return parents;
    }
}
