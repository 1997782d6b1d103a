package dev.looplab.lineage.importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes a long Parameter Golf blackboard with every shape real ARR runs have: csv-module quoting, lines that lost
 * their tabs after a quoted hypothesis (most in tree.tsv, a few not), {@code exp_NNN} parents of {@code NNN} ids,
 * free-text expected_delta, rows whose parent never appears, best.json, KNOWLEDGE.md, LEADERBOARD.md and snapshots of
 * kept rows only. It returns what a faithful import must give.
 */
final class ArrHistoryGenerator {

    static final List<String> HEADER = List.of("exp_id", "timestamp", "specialist", "parent_exp", "baseline_exp",
            "domain", "hypothesis", "expected_delta", "status", "val_bpb", "delta_vs_best", "artifact_bytes",
            "train_s", "total_s", "job_name", "snapshot_path", "seed", "notes");
    static final List<String> TREE_HEADER = List.of("exp_id", "parent_exp", "depth", "path", "specialist", "status",
            "val_bpb", "delta_vs_best", "hypothesis");
    private static final String[] DELTAS = {"-0.002", "minus_0.0003", "negative_0.0004", "\"-0.001\"", "-0.0015",
        "about -0.001 bpb", "unknown", ""};
    private static final String[] SPECIALISTS = {"opt", "arch", "quant", "sched", "data", "reg"};

    /**
     * What the import must give.
     *
     * @param importable exp ids whose row and every ancestor can be read (directly or from tree.tsv)
     * @param recovered exp ids of broken lines that tree.tsv describes
     * @param lost exp ids whose row must be reported as skipped (no tree row, or an unknown parent)
     * @param keptBrokenOnBestPath kept rows on the path to the best that are broken lines
     */
    record Expected(int rows, Set<String> importable, Set<String> recovered, Set<String> lost, String bestId,
            double bestScore, int keptBrokenOnBestPath) {
    }

    private ArrHistoryGenerator() {
    }

    static Expected write(Path dir, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(dir.resolve("snapshots"));
        List<String> results = new ArrayList<>();
        List<String> tree = new ArrayList<>();
        results.add(String.join("\t", HEADER));
        tree.add(String.join("\t", TREE_HEADER));
        Map<String, String> parents = new LinkedHashMap<>();
        Map<String, Integer> depth = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        Set<String> importable = new LinkedHashSet<>();
        Set<String> recovered = new LinkedHashSet<>();
        Set<String> lost = new LinkedHashSet<>();
        Set<String> broken = new LinkedHashSet<>();
        String best = null;
        double bestScore = 1.2244;
        for (int i = 0; i < rows; i++) {
            String id = String.format(Locale.ROOT, "%03d", i);
            String specialist = i == 0 ? "baseline" : SPECIALISTS[random.nextInt(SPECIALISTS.length)];
            String parent;
            String status;
            double score;
            boolean orphan = i > 5 && i % 97 == 0;
            if (i == 0) {
                parent = "";
                status = "baseline";
                score = bestScore;
            } else {
                int roll = random.nextInt(100);
                boolean improves = roll < 12 && !orphan;
                // a keep builds on the best so far, as ARR's parent selection mostly does
                parent = orphan ? "lost" + i : improves ? (best == null ? "000" : best)
                        : kept.isEmpty() || random.nextInt(4) == 0 ? "000"
                        : random.nextInt(3) == 0 ? kept.get(random.nextInt(kept.size())) : best;
                score = improves ? bestScore - 0.0005 - random.nextDouble() * 0.001
                        : bestScore + random.nextDouble() * 0.02;
                status = improves ? "keep" : roll < 85 ? "discard" : roll < 93 ? "crash" : roll < 97
                        ? "preflight_crash" : "size_blocked";
            }
            boolean keptBroken = status.equals("keep") && i % 5 == 0;
            boolean quotedHypothesis = i % 7 == 3 || keptBroken;
            String hypothesis = quotedHypothesis ? "Use \"muon\"\tmomentum " + i + " on the \"embed\" layer"
                    : "Try change " + i + " in " + specialist;
            // every 11th quoted row lost its tabs after the hypothesis; one in five of those has no tree row
            boolean isBroken = quotedHypothesis && i % 3 == 0 || keptBroken;
            boolean inTree = !isBroken || i % 5 != 3;
            String parentId = i == 0 ? "" : "exp_" + parent;
            String scoreText = status.equals("crash") || status.equals("preflight_crash")
                    || status.equals("size_blocked") ? "" : String.format(Locale.ROOT, "%.6f", score);
            List<String> fields = List.of(id, "2026-03-" + (10 + i / 200) + "T" + String.format(Locale.ROOT,
                    "%02d:%02d:%02dZ", (i / 60) % 24, i % 60, i % 37), specialist, parentId, "000", "parameter_golf",
                    hypothesis, i == 0 ? "" : DELTAS[i % DELTAS.length], status, scoreText,
                    String.format(Locale.ROOT, "%.4f", score - bestScore), String.valueOf(15_000_000 + i),
                    String.format(Locale.ROOT, "%.1f", 590 + random.nextDouble() * 10), "600.0", "pg-" + id,
                    status.equals("keep") ? "snapshots/" + id + "_parameter_golf" : "", String.valueOf(1337 + i),
                    "note for " + id);
            List<String> cells = fields.stream().map(ArrHistoryGenerator::cell).toList();
            if (isBroken) {
                broken.add(id);
                // the tabs after the quoted hypothesis became spaces: 7 fields where the header has 18
                results.add(String.join("\t", cells.subList(0, 6)) + "\t" + cells.get(6) + " "
                        + String.join(" ", cells.subList(7, cells.size())));
            } else {
                results.add(String.join("\t", cells));
            }
            boolean parentKnown = i == 0 || importable.contains(parent);
            boolean readable = !isBroken || inTree;
            if (parentKnown && readable) {
                importable.add(id);
                if (isBroken) {
                    recovered.add(id);
                }
            } else {
                lost.add(id);
            }
            if (inTree) {
                int d = i == 0 ? 0 : depth.getOrDefault(parent, 0) + 1;
                depth.put(id, d);
                tree.add(String.join("\t", List.of(id, parentId, String.valueOf(d), "/" + id,
                        specialist, status, scoreText, String.format(Locale.ROOT, "%.4f", score - bestScore),
                        hypothesis).stream().map(ArrHistoryGenerator::cell).toList()));
            }
            parents.put(id, parent);
            if (status.equals("keep") && importable.contains(id)) {
                kept.add(id);
                best = id;
                bestScore = score;
                Path snapshot = Files.createDirectories(dir.resolve("snapshots").resolve(id + "_parameter_golf"));
                Files.writeString(snapshot.resolve("train_gpt.py"), "MATRIX_LR = 0.04\nSTEP = " + i + "\n");
            }
        }
        Files.writeString(dir.resolve("results.tsv"), String.join("\r\n", results) + "\r\n");
        Files.writeString(dir.resolve("tree.tsv"), String.join("\r\n", tree) + "\r\n");
        Files.writeString(dir.resolve("best.json"), String.format(Locale.ROOT,
                "{\"exp_id\": \"%s\", \"val_bpb\": %.6f, \"specialist\": \"x\"}%n", best, bestScore));
        Files.writeString(dir.resolve("KNOWLEDGE.md"), "# What we learned\n- Muon momentum 0.97 helps\n");
        Files.writeString(dir.resolve("LEADERBOARD.md"), "| exp | val_bpb |\n|---|---|\n| " + best + " | "
                + bestScore + " |\n");
        int keptBroken = 0;
        for (String at = best; at != null && !at.isEmpty() && !at.equals("000"); at = parents.get(at)) {
            keptBroken += broken.contains(at) ? 1 : 0;
        }
        return new Expected(rows, importable, recovered, lost, best, bestScore, keptBroken);
    }

    /** A cell as Python's csv module writes it with a tab delimiter (minimal quoting). */
    static String cell(String value) {
        if (value.contains("\"") || value.contains("\t") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
