package dev.looplab.lineage.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.SnapshotSpec;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes of published ARR blackboards, each written as ARR writes it, and a long history with all of them. */
class ArrRealHistoryTest {

    static final String HEADER = String.join("\t", ArrHistoryGenerator.HEADER);
    static final String TREE = String.join("\t", ArrHistoryGenerator.TREE_HEADER);

    @TempDir
    Path tmp;

    @Test
    void givenCsvModuleQuoting_whenImported_thenQuotedCellsReadAsWritten() throws IOException {
        Path dir = blackboard("quoting");
        String hypothesis = "Set \"warmdown\"\tto 0.6\nand keep \"lr\"";
        write(dir, "results.tsv", HEADER, row("000", "", "baseline", "", "", "pg", "Baseline", "", "baseline", "1.22"),
                row("001", "exp_000", "opt", "", "", "pg", hypothesis, "\"-0.001\"", "keep", "1.21"));

        ImportReport report = importArr(dir, "q");

        assertThat(report.skipped()).isEmpty();
        assertThat(report.trials().get(1).hypothesis()).isEqualTo(hypothesis);
        assertThat(report.trials().get(1).expectedDelta()).isEqualTo(-0.001);
        assertThat(report.trials().get(1).metrics()).containsEntry("expected_delta_text", "\"-0.001\"");
    }

    @Test
    void givenLinesThatLostTheirTabs_whenImported_thenTreeTsvRecoversThemAndTheReportSeparatesThem()
            throws IOException {
        Path dir = blackboard("broken");
        String fine = row("002", "exp_001", "arch", "", "", "pg", "Loop twice", "-0.002", "discard", "1.23");
        write(dir, "results.tsv", HEADER,
                row("000", "", "baseline", "", "", "pg", "Baseline", "", "baseline", "1.22"),
                brokenRow("001", "opt", "Use \"muon\" here", "-0.004 keep 1.2100 -0.01 15000000 590 600 pg-1 x 1 ok"),
                fine,
                brokenRow("003", "opt", "Use \"adam\" there", "-0.004 discard 1.25 0.03 15000000 590 600 pg-3 x 1"));
        write(dir, "tree.tsv", TREE, "000\t\t0\t/000\tbaseline\tbaseline\t1.22\t0\tBaseline",
                "001\texp_000\t1\t/000/001\topt\tkeep\t1.2100\t-0.01\t\"Use \"\"muon\"\" here\"",
                "002\texp_001\t2\t/000/001/002\tarch\tdiscard\t1.23\t0.02\tLoop twice");

        ImportReport report = importArr(dir, "b");

        assertThat(report.trials()).extracting(ImportedTrial::sourceId).containsExactly("000", "001", "002");
        ImportedTrial recovered = report.trials().get(1);
        assertThat(recovered.parentTrialId()).isEqualTo("b-000");
        assertThat(recovered.status()).isEqualTo(TrialStatus.keep);
        assertThat(recovered.score()).isEqualTo(1.21);
        assertThat(recovered.hypothesis()).isEqualTo("Use \"muon\" here");
        assertThat(recovered.metrics()).containsEntry("recovered_from", "tree.tsv:3");
        assertThat(report.trials().get(2).parentTrialId()).isEqualTo("b-001");
        assertThat(report.recovered()).extracting(RecoveredRow::line, RecoveredRow::sourceId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, "001"));
        assertThat(report.skipped()).extracting(SkippedRow::line).containsExactly(5);
        assertThat(report.skipped().get(0).reason()).contains("has 7 tab-separated fields but the header has 18")
                .contains("tree.tsv has no row for exp_id '003'").contains("restore the tabs");
        assertThat(report.summary()).contains("1 rows recovered (imported):").contains("results.tsv:3: 001")
                .contains("1 rows skipped:").contains("results.tsv:5:");
    }

    @Test
    void givenExpParentsAndFreeTextDeltas_whenImported_thenParentsResolveAndNoRowIsDropped() throws IOException {
        Path dir = blackboard("deltas");
        write(dir, "results.tsv", HEADER,
                row("000", "", "baseline", "", "", "pg", "Baseline", "", "baseline", "1.22"),
                row("001", "exp_000", "opt", "", "", "pg", "a", "-0.002", "keep", "1.21"),
                row("002", "exp_001", "opt", "", "", "pg", "b", "minus_0.0003", "discard", "1.22"),
                row("003", "exp001", "opt", "", "", "pg", "c", "negative_0.0004", "discard", "1.23"),
                row("004", "exp_1", "opt", "", "", "pg", "d", "\"-0.001\"", "discard", "1.24"),
                row("005", "exp_001", "opt", "", "", "pg", "e", "a bit better", "discard", "1.25"));

        ImportReport report = importArr(dir, "d");

        assertThat(report.skipped()).isEmpty();
        assertThat(report.trials()).extracting(ImportedTrial::expectedDelta)
                .containsExactly(null, -0.002, -0.0003, -0.0004, -0.001, null);
        assertThat(report.trials().subList(2, 6)).allSatisfy(t -> assertThat(t.parentTrialId()).isEqualTo("d-001"));
        assertThat(report.trials().get(5).metrics()).containsEntry("expected_delta_text", "a bit better");
        assertThat(report.trials().get(4).metrics()).containsEntry("expected_delta_text", "\"-0.001\"");
    }

    @Test
    void givenACifarBlackboard_whenImported_thenTrainSecondsIsTheScoreOnlyAboveTheAccuracyGate() throws IOException {
        Path dir = blackboard("cifar");
        write(dir, "results.tsv", "exp_id\tparent_exp\tstatus\ttrain_s\taccuracy\tacc_std\tn_seeds\thypothesis",
                "000\t\tbaseline\t3.80\t0.9612\t0.0011\t5\tAirbench96 baseline",
                "001\texp_000\tkeep\t3.60\t0.9605\t0.0012\t5\tFewer epochs",
                "002\texp_001\tdiscard\t3.10\t0.9550\t0.0020\t5\tHalf the width",
                "003\texp_001\tkeep\t3.50\t0.9601\t0.0010\t5\tLabel smoothing");
        Files.writeString(dir.resolve("best.json"), "{\"exp_id\": \"003\", \"train_s\": 3.5}");

        ImportReport report = importArr(dir, "c");

        assertThat(report.scoreName()).isEqualTo("train_s");
        assertThat(report.direction()).isEqualTo("lower");
        Map<String, ImportedTrial> trials = bySource(report);
        assertThat(trials.get("002").score()).isNull();
        assertThat(trials.get("002").status()).isEqualTo(TrialStatus.gate_miss);
        assertThat(trials.get("002").metrics()).containsEntry("accuracy", 0.955).containsEntry("acc_std", 0.002)
                .containsEntry("n_seeds", 5.0).containsEntry("train_s", 3.1);
        assertThat(report.bestTrialId()).isEqualTo("c-003");
        assertThat(report.bestScore()).isEqualTo(3.5);
        assertThat(report.warnings()).noneSatisfy(w -> assertThat(w).contains("best.json"));

        // a stricter gate makes the same kept rows invalid, and says so
        ImportReport strict = importArr(dir, "c2", new ImportOptions(null, null, null, 0.961, null));
        assertThat(bySource(strict).get("001").status()).isEqualTo(TrialStatus.gate_miss);
        assertThat(strict.warnings()).anySatisfy(w -> assertThat(w).contains("kept 001 has accuracy 0.9605 is below"
                + " the gate 0.961"));
    }

    @Test
    void givenANanoChatBlackboard_whenImported_thenCoreMetricIsTheScoreAndValBpbASideMetric() throws IOException {
        Path dir = blackboard("nanochat");
        write(dir, "results.tsv", "exp_id\tparent_exp\tstatus\tval_bpb\tcore_metric\thypothesis",
                "000\t\tbaseline\t0.81\t0.2010\tNanoChat d12", "001\texp_000\tkeep\t0.83\t0.2100\tMore SFT data",
                "002\texp_001\tdiscard\t0.79\t0.2050\tLower val bpb, worse CORE");

        ImportReport report = importArr(dir, "n");

        assertThat(report.scoreName()).isEqualTo("core_metric");
        assertThat(report.direction()).isEqualTo("higher");
        assertThat(report.bestTrialId()).isEqualTo("n-001");
        assertThat(bySource(report).get("002").metrics()).containsEntry("val_bpb", 0.79);
    }

    @Test
    void givenScoreAndDirectionOptions_whenImported_thenTheyOverrideDetectionAndAnUnknownColumnIsRefused()
            throws IOException {
        Path dir = blackboard("override");
        write(dir, "results.tsv", "exp_id\tparent_exp\tstatus\tval_bpb\tval_loss\thypothesis",
                "000\t\tbaseline\t1.0\t3.0\tbase", "001\texp_000\tkeep\t1.1\t2.9\tlower loss");

        ImportReport report = importArr(dir, "o", new ImportOptions(null, "val_loss", "lower", null, null));

        assertThat(report.scoreName()).isEqualTo("val_loss");
        assertThat(report.bestScore()).isEqualTo(2.9);
        assertThat(bySource(report).get("001").metrics()).containsEntry("val_bpb", 1.1);
        assertThatThrownBy(() -> importArr(dir, "o2", new ImportOptions(null, "loss", null, null, null)))
                .isInstanceOf(ImportException.class).hasMessageContaining("--score loss is not a column")
                .hasMessageContaining("val_loss");
        assertThatThrownBy(() -> new ImportOptions(null, "x", "down", null, null))
                .isInstanceOf(ImportException.class).hasMessageContaining("--direction lower");
    }

    @Test
    void givenBestJsonThatDisagrees_whenImported_thenItIsFollowedAndTheDisagreementReported() throws IOException {
        Path dir = blackboard("best");
        write(dir, "results.tsv", HEADER, row("000", "", "baseline", "", "", "pg", "Baseline", "", "baseline", "1.22"),
                row("001", "exp_000", "opt", "", "", "pg", "a", "", "keep", "1.20"),
                row("002", "exp_001", "opt", "", "", "pg", "b", "", "keep", "1.21"));
        Files.writeString(dir.resolve("best.json"), "{\"exp_id\": \"exp_001\", \"val_bpb\": 1.19}");

        ImportReport report = importArr(dir, "j");

        assertThat(report.bestTrialId()).isEqualTo("j-001");
        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("best.json gives exp_001 the score"
                + " 1.190000 but its row has 1.200000"));

        Files.writeString(dir.resolve("best.json"), "{\"exp_id\": \"077\", \"val_bpb\": 1.1}");
        ImportReport missing = importArr(dir, "j2");
        assertThat(missing.bestTrialId()).isEqualTo("j2-002");
        assertThat(missing.warnings()).anySatisfy(w -> assertThat(w).contains("best.json names 077 as the best,"
                + " which is not an imported row"));
    }

    @Test
    void givenKnowledgeAndSnapshotsOfKeptRows_whenImported_thenTheLineageCarriesBoth() throws IOException {
        Path dir = blackboard("knowledge");
        write(dir, "results.tsv", HEADER, row("000", "", "baseline", "", "", "pg", "Baseline", "", "baseline", "1.22"),
                row("001", "exp_000", "opt", "", "", "pg", "a", "", "keep", "1.20"),
                row("002", "exp_001", "arch", "", "", "pg", "b", "", "discard", "1.21"));
        Files.createDirectories(dir.resolve("snapshots/001_pg"));
        Files.writeString(dir.resolve("snapshots/001_pg/train_gpt.py"), "LR = 0.05\n");
        Files.write(dir.resolve("snapshots/001_pg/weights.bin"), new byte[] {1, 0, 2});
        Files.writeString(dir.resolve("KNOWLEDGE.md"), "# Learned\n- Muon helps\n");
        Files.writeString(dir.resolve("LEADERBOARD.md"), "| exp | val_bpb |\n| 001 | 1.20 |\n");

        try (LineageStore store = LineageStore.open(tmp.resolve("k.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, dir, "k", ImportOptions.none());

            assertThat(store.readFiles("k-001")).containsOnlyKeys("train_gpt.py");
            assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("left out binary file weights.bin"));
            assertThat(store.readFiles("k-000")).containsOnlyKeys(SnapshotSpec.CODE_UNKNOWN_FILE);
            assertThat(store.readFiles("k-002")).containsOnlyKeys(SnapshotSpec.CODE_UNKNOWN_FILE);
            assertThat(store.readTrial("k-002").orElseThrow().parentTrialId()).isEqualTo("k-001");
            assertThat(store.knowledge("k")).hasValueSatisfying(k -> assertThat(k).contains("- Muon helps")
                    .contains("| 001 | 1.20 |"));
            String before = store.knowledge("k").orElseThrow();
            HistoryImporter.importInto(store, ImportFormat.arr, dir, "k", ImportOptions.none());
            assertThat(store.knowledge("k")).contains(before);
        }
    }

    @Test
    void givenA900RowHistoryWithEveryShape_whenImported_thenEveryRowWithAKnownParentIsInAndTheBestIsBestJsons()
            throws IOException {
        Path dir = tmp.resolve("run-2026-03-10").resolve("blackboard");
        ArrHistoryGenerator.Expected expected = ArrHistoryGenerator.write(dir, 900, 42);

        try (LineageStore store = LineageStore.open(tmp.resolve("long.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, dir, "long",
                    ImportOptions.none());

            assertThat(report.trials()).extracting(ImportedTrial::sourceId)
                    .containsExactlyInAnyOrderElementsOf(expected.importable());
            assertThat(report.recovered()).extracting(RecoveredRow::sourceId)
                    .containsExactlyInAnyOrderElementsOf(expected.recovered());
            assertThat(expected.recovered()).hasSizeGreaterThan(24);
            assertThat(expected.keptBrokenOnBestPath()).isGreaterThanOrEqualTo(2);
            assertThat(report.skipped()).hasSize(expected.lost().size());
            assertThat(report.trials().size() + report.skipped().size()).isEqualTo(expected.rows());
            assertThat(report.bestTrialId()).isEqualTo("long-" + expected.bestId());
            assertThat(report.bestScore()).isCloseTo(expected.bestScore(), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(store.bestTrial("long")).contains("long-" + expected.bestId());
            assertThat(report.warnings()).noneSatisfy(w -> assertThat(w).contains("best.json"));
            Set<String> recoveredIds = report.recovered().stream().map(RecoveredRow::sourceId)
                    .collect(Collectors.toSet());
            assertThat(report.skipped()).noneSatisfy(s -> assertThat(recoveredIds).anySatisfy(
                    id -> assertThat(s.reason()).contains("exp_id '" + id + "'")));
            // every kept trial brought its snapshot, and the note keeps the source's row
            List<ImportedTrial> kept = report.trials().stream().filter(t -> t.sourceStatus().equals("keep")).toList();
            assertThat(kept).allSatisfy(t -> assertThat(t.codeKnown()).as(t.sourceId()).isTrue());
            OutcomeNote note = OutcomeNote.parse(store.outcomeNote("long-" + expected.bestId()).orElseThrow());
            assertThat(note.imported().sourceId()).isEqualTo(expected.bestId());
            assertThat(store.knowledge("long")).hasValueSatisfying(k -> assertThat(k).contains("Muon"));
        }
    }

    @Test
    void givenAnImportedHistory_whenExportedAsArrAndImportedBack_thenTheTreeStatusesAndBestAreTheSame()
            throws IOException {
        Path dir = tmp.resolve("run-rt").resolve("blackboard");
        ArrHistoryGenerator.write(dir, 150, 3);
        // and a trial Looplab's causality probe ruled illegal, a status ARR has no word for
        String results = Files.readString(dir.resolve("results.tsv"));
        Files.writeString(dir.resolve("results.tsv"), results + (results.endsWith("\n") ? "" : "\n")
                + row("150", "exp_000", "eval", "", "", "eval", "Score with the next token in view.", "", "illegal",
                "1.2") + "\n");
        Path exported = Files.createDirectories(tmp.resolve("exported"));
        ImportReport original;
        try (LineageStore store = LineageStore.open(tmp.resolve("orig.git"))) {
            original = HistoryImporter.importInto(store, ImportFormat.arr, dir, "orig", ImportOptions.none());
            for (Map.Entry<String, String> file : HistoryExporter.export(store, "orig", ImportFormat.arr).entrySet()) {
                Files.writeString(exported.resolve(file.getKey()), file.getValue());
            }
        }

        ImportReport back = importArr(exported, "back");

        assertThat(back.skipped()).isEmpty();
        assertThat(back.recovered()).isEmpty();
        assertThat(shape(back, "back")).isEqualTo(shape(original, "orig"));
        assertThat(shape(back, "back")).containsEntry("150", "000 illegal");
        assertThat(back.bestTrialId()).isEqualTo("back-" + original.bestTrialId().substring("orig-".length()));
        assertThat(back.bestScore()).isEqualTo(original.bestScore());
        assertThat(back.scoreName()).isEqualTo("val_bpb");
        assertThat(back.warnings()).noneSatisfy(w -> assertThat(w).contains("best.json"));
        assertThat(Files.readString(exported.resolve("KNOWLEDGE.md"))).contains("Muon");
    }

    /** Each trial's source id to its parent's source id and status. */
    static Map<String, String> shape(ImportReport report, String campaign) {
        return report.trials().stream().collect(Collectors.toMap(ImportedTrial::sourceId,
                t -> (t.parentTrialId() == null ? "" : t.parentTrialId().substring(campaign.length() + 1)) + " "
                        + t.status()));
    }

    // ---- helpers

    Path blackboard(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    ImportReport importArr(Path dir, String campaign) {
        return importArr(dir, campaign, ImportOptions.none());
    }

    ImportReport importArr(Path dir, String campaign, ImportOptions options) {
        try (LineageStore store = LineageStore.open(tmp.resolve(campaign + ".git"))) {
            return HistoryImporter.importInto(store, ImportFormat.arr, dir, campaign, options);
        }
    }

    static Map<String, ImportedTrial> bySource(ImportReport report) {
        return report.trials().stream().collect(Collectors.toMap(ImportedTrial::sourceId, t -> t));
    }

    /** A full 18-column row from the fields that matter here; the rest are filled as ARR fills them. */
    static String row(String id, String parent, String specialist, String u1, String u2, String domain,
            String hypothesis, String expectedDelta, String status, String score) {
        List<String> fields = List.of(id, "2026-03-10T10:00:" + id.substring(1) + "Z", specialist, parent, "000",
                domain, hypothesis, expectedDelta, status, score, "", "15000000", "590", "600", "pg-" + id, "", "1337",
                "");
        return fields.stream().map(ArrHistoryGenerator::cell).collect(Collectors.joining("\t"));
    }

    /** A line that lost its tabs after the quoted hypothesis: 7 fields. */
    static String brokenRow(String id, String specialist, String hypothesis, String rest) {
        return String.join("\t", id, "2026-03-10T10:00:00Z", specialist, "exp_000", "000", "pg")
                + "\t" + ArrHistoryGenerator.cell(hypothesis) + " " + rest;
    }

    static void write(Path dir, String file, String header, String... rows) throws IOException {
        Files.writeString(dir.resolve(file), header + "\r\n" + String.join("\r\n", List.of(rows)) + "\r\n");
    }
}
