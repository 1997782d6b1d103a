package dev.looplab.lineage.importer;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialInfo;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.TrialStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a campaign of a lineage in another tool's layout, so that its scripts read a Looplab search: ARR's
 * {@code results.tsv}, {@code tree.tsv}, {@code best.json} and {@code KNOWLEDGE.md}, or autoresearch's
 * {@code results.tsv} (commit hashes of the lineage). Importing an export back gives the same tree, statuses and best.
 */
public final class HistoryExporter {

    // Looplab statuses in ARR's words: the inverse of ArrBlackboard.STATUSES. illegal has no ARR word of its own and
    // is written as itself (ARR's scripts count it as no keep), so an export imported back keeps it.
    private static final Map<TrialStatus, String> ARR_STATUSES = Map.ofEntries(
            Map.entry(TrialStatus.keep, "keep"), Map.entry(TrialStatus.discard, "discard"),
            Map.entry(TrialStatus.crash, "crash"), Map.entry(TrialStatus.size_blocked, "size_blocked"),
            Map.entry(TrialStatus.preflight_reject, "preflight_crash"),
            Map.entry(TrialStatus.eval_budget_overrun, "eval_budget_overrun"),
            Map.entry(TrialStatus.train_budget_overrun, "train_budget_overrun"),
            Map.entry(TrialStatus.gate_miss, "disqualified"), Map.entry(TrialStatus.illegal, "illegal"),
            Map.entry(TrialStatus.worker_lost, "harness_abort"));
    private static final Set<String> NOT_METRICS = Set.of("source_status", "expected_delta_text", "recovered_from");

    private HistoryExporter() {
    }

    /**
     * The files of the export, name to content.
     *
     * @throws ImportException if the lineage holds no trial of the campaign
     */
    public static Map<String, String> export(LineageStore store, String campaign, ImportFormat format) {
        List<Row> rows = rows(store, campaign);
        if (rows.isEmpty()) {
            throw new ImportException("lineage " + store.directory() + " holds no trial of campaign " + campaign
                    + "; pass a campaign recorded there (looplab campaigns lists them)");
        }
        String best = store.bestTrial(campaign).orElse(null);
        return format == ImportFormat.arr ? arr(store, campaign, rows, best) : autoresearch(rows);
    }

    private record Row(TrialInfo info, OutcomeNote note, String expId, String parentExpId, int depth) {
    }

    private static List<Row> rows(LineageStore store, String campaign) {
        List<TrialInfo> infos = new ArrayList<>();
        Map<String, OutcomeNote> notes = new HashMap<>();
        for (TrialInfo info : store.listTrials()) {
            if (!campaign.equals(info.campaign()) && !(info.parentTrialId() == null
                    && campaign.equals(info.trailers().get("Looplab-Campaign")))) {
                continue;
            }
            infos.add(info);
            notes.put(info.trialId(), store.outcomeNote(info.trialId()).map(OutcomeNote::parse).orElse(null));
        }
        // The source's row order where the trials were imported (commit times tie within a second), else the
        // lineage's; then parents before children, which the other tools' readers expect.
        List<TrialInfo> ordered = new ArrayList<>(infos);
        ordered.sort(java.util.Comparator.comparingInt(i -> {
            OutcomeNote note = notes.get(i.trialId());
            return note != null && note.imported() != null ? note.imported().line() : Integer.MAX_VALUE;
        }));
        List<Row> rows = new ArrayList<>();
        Map<String, Row> byTrial = new HashMap<>();
        Set<String> present = new java.util.HashSet<>();
        infos.forEach(i -> present.add(i.trialId()));
        List<TrialInfo> pending = ordered;
        while (!pending.isEmpty()) {
            List<TrialInfo> later = new ArrayList<>();
            for (TrialInfo info : pending) {
                String parentId = info.parentTrialId();
                if (parentId != null && present.contains(parentId) && !byTrial.containsKey(parentId)) {
                    later.add(info);
                    continue;
                }
                OutcomeNote note = notes.get(info.trialId());
                String expId = note != null && note.imported() != null ? note.imported().sourceId()
                        : info.trialId().startsWith(campaign + "-") ? info.trialId().substring(campaign.length() + 1)
                        : info.trialId();
                Row parent = parentId == null ? null : byTrial.get(parentId);
                Row row = new Row(info, note, expId, parent == null ? "" : parent.expId(),
                        parent == null ? 0 : parent.depth() + 1);
                byTrial.put(info.trialId(), row);
                rows.add(row);
            }
            if (later.size() == pending.size()) {
                throw new IllegalStateException("trials " + later + " form a cycle in lineage " + store.directory());
            }
            pending = later;
        }
        return rows;
    }

    private static Map<String, String> arr(LineageStore store, String campaign, List<Row> rows, String best) {
        String scoreName = rows.stream().map(Row::note).filter(n -> n != null && n.imported() != null
                && n.imported().scoreName() != null).map(n -> n.imported().scoreName()).findFirst().orElse("score");
        String direction = rows.stream().map(Row::note).filter(n -> n != null && n.direction() != null)
                .map(n -> n.direction().name()).findFirst().orElse("lower");
        Set<String> metricColumns = new LinkedHashSet<>();
        for (Row row : rows) {
            if (row.note() != null && row.note().metrics() != null) {
                row.note().metrics().keySet().stream().filter(k -> !NOT_METRICS.contains(k) && !k.equals(scoreName))
                        .forEach(metricColumns::add);
            }
        }
        List<String> header = new ArrayList<>(List.of("exp_id", "timestamp", "specialist", "parent_exp", "domain",
                "hypothesis", "expected_delta", "status", scoreName, "delta_vs_best", "notes"));
        metricColumns.removeAll(header);
        header.addAll(metricColumns);
        StringBuilder results = new StringBuilder(String.join("\t", header)).append('\n');
        StringBuilder tree = new StringBuilder(String.join("\t", List.of("exp_id", "parent_exp", "depth", "path",
                "specialist", "status", scoreName, "delta_vs_best", "hypothesis"))).append('\n');
        Map<String, String> paths = new HashMap<>();
        String bestExp = null;
        Double bestScore = null;
        for (Row row : rows) {
            OutcomeNote note = row.note();
            Map<String, String> cells = new LinkedHashMap<>();
            String status = row.info().parentTrialId() == null ? "baseline"
                    : note == null ? "harness_abort" : ARR_STATUSES.getOrDefault(note.status(), "discard");
            Object source = note == null || note.imported() == null ? null : note.imported().row().get("timestamp");
            cells.put("exp_id", row.expId());
            cells.put("timestamp", source == null ? "" : source.toString());
            cells.put("specialist", text(row.info().specialist()));
            cells.put("parent_exp", row.parentExpId());
            cells.put("domain", text(row.info().surface()));
            cells.put("hypothesis", firstLine(row.info().hypothesis()));
            String delta = note == null || note.imported() == null ? "" : note.imported().row().getOrDefault(
                    "expected_delta", "");
            cells.put("expected_delta", delta);
            cells.put("status", status);
            // a score the gate voided (train_s below the accuracy gate) is still the column's value
            Object raw = note == null || note.metrics() == null ? null : note.metrics().get(scoreName);
            cells.put(scoreName, note == null ? "" : note.score() != null ? number(note.score())
                    : raw instanceof Double d ? number(d) : "");
            cells.put("delta_vs_best", note == null ? "" : number(note.deltaVsBest()));
            cells.put("notes", note == null ? "" : text(note.feedback()));
            for (String column : metricColumns) {
                Object value = note == null || note.metrics() == null ? null : note.metrics().get(column);
                cells.put(column, value instanceof Double d ? number(d) : value == null ? "" : value.toString());
            }
            results.append(String.join("\t", header.stream().map(c -> cell(cells.getOrDefault(c, ""))).toList()))
                    .append('\n');
            String path = (row.parentExpId().isEmpty() ? "" : paths.getOrDefault(row.parentExpId(), "")) + "/"
                    + row.expId();
            paths.put(row.expId(), path);
            tree.append(String.join("\t", List.of(row.expId(), row.parentExpId(), String.valueOf(row.depth()), path,
                    cells.get("specialist"), status, cells.get(scoreName), cells.get("delta_vs_best"),
                    cells.get("hypothesis")).stream().map(HistoryExporter::cell).toList())).append('\n');
            if (row.info().trialId().equals(best)) {
                bestExp = row.expId();
                bestScore = note == null ? null : note.score();
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put(ArrBlackboard.RESULTS, results.toString());
        files.put(ArrBlackboard.TREE, tree.toString());
        if (bestExp != null) {
            files.put(ArrBlackboard.BEST, String.format(Locale.ROOT, "{\"exp_id\": \"%s\", \"%s\": %s,"
                    + " \"direction\": \"%s\"}%n", bestExp.replace("\"", "\\\""), scoreName.replace("\"", "\\\""),
                    bestScore == null ? "null" : number(bestScore), direction));
        }
        store.knowledge(campaign).ifPresent(k -> files.put("KNOWLEDGE.md", k));
        return files;
    }

    private static Map<String, String> autoresearch(List<Row> rows) {
        StringBuilder results = new StringBuilder("commit\tval_bpb\tmemory_gb\tstatus\tdescription\n");
        for (Row row : rows) {
            OutcomeNote note = row.note();
            TrialStatus status = note == null ? TrialStatus.crash : note.status();
            // autoresearch knows keep, discard and crash; a crash logs val_bpb 0
            String word = status == TrialStatus.keep ? "keep" : status.isScored() ? "discard" : "crash";
            Object memory = note == null || note.metrics() == null ? null : note.metrics().get("memory_gb");
            results.append(String.join("\t", row.info().commitId().substring(0, 12),
                    word.equals("crash") || note == null || note.score() == null ? "0.000000"
                            : String.format(Locale.ROOT, "%.6f", note.score()),
                    memory instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : "0.0", word,
                    firstLine(row.info().hypothesis()).replace('\t', ' '))).append('\n');
        }
        return Map.of(AutoresearchRun.RESULTS, results.toString());
    }

    private static String number(Double value) {
        return value == null ? "" : BigDecimalText.of(value);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String firstLine(String value) {
        return value == null ? "" : value;
    }

    /** A cell as Python's csv module writes it with a tab delimiter. */
    static String cell(String value) {
        if (value.contains("\"") || value.contains("\t") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    /** Shortest plain text of a double (no exponent), as ARR's scripts print scores. */
    private static final class BigDecimalText {
        static String of(double value) {
            return new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
        }
    }
}
