package dev.looplab.lineage.importer;

import dev.looplab.trial.TrialStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.SnapshotSpec;
import dev.looplab.lineage.TrialInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importing an Auto-Research-Recipes blackboard (results.tsv, tree.tsv, snapshots/) into a lineage. */
class ArrImportTest {

    static final String HEADER = String.join("\t", "exp_id", "timestamp", "specialist", "parent_exp", "baseline_exp",
            "domain", "hypothesis", "expected_delta", "status", "val_bpb", "delta_vs_best", "total_s", "job_name",
            "snapshot_path", "notes");

    @TempDir
    Path tmp;

    /** A Parameter Golf blackboard as ARR leaves it: one baseline, two kept steps, and every kind of failure. */
    Path golfBlackboard() throws IOException {
        Path dir = tmp.resolve("blackboard");
        Files.createDirectories(dir);
        write(dir, "results.tsv", HEADER,
                row("exp000", "2026-03-02T10:00:00Z", "baseline", "", "", "parameter_golf", "Baseline train_gpt.py",
                        "", "baseline", "1.2244", "0", "1190.5", "pg-000", "snapshots/exp000_baseline", "reference run"),
                row("exp001", "2026-03-02T11:00:00Z", "opt", "exp000", "exp000", "parameter_golf",
                        "Muon momentum 0.95 -> 0.97 steadies late steps", "-0.004", "keep", "1.2190", "-0.0054",
                        "1201.0", "pg-001", "snapshots/exp001_opt", "better"),
                row("exp002", "2026-03-02T11:05:00Z", "arch", "exp000", "exp000", "parameter_golf",
                        "Loop layers 3-5 twice", "-0.010", "discard", "1.2301", "+0.0111", "1188.0", "pg-002", "",
                        "slower steps"),
                row("exp003", "2026-03-02T12:00:00Z", "quant", "exp001", "exp000", "parameter_golf",
                        "int6 GPTQ export", "-0.003", "keep", "1.2150", "-0.0040", "1210.0", "pg-003",
                        "snapshots/exp003_quant", ""),
                row("exp004", "2026-03-02T12:10:00Z", "reg", "exp003", "exp000", "parameter_golf",
                        "Dropout 0.1 in the MLP", "", "crash", "0", "", "35.0", "pg-004", "", "CUDA OOM"),
                row("exp005", "2026-03-02T12:20:00Z", "tok", "exp003", "exp000", "parameter_golf",
                        "Bigger vocabulary", "", "preflight_crash", "", "", "3.0", "pg-005", "", "import error"),
                row("exp006", "2026-03-02T12:30:00Z", "ttt", "exp003", "exp000", "parameter_golf",
                        "Test-time training on scored tokens", "", "disqualified", "1.2100", "", "1300.0", "pg-006",
                        "", "peeked at unscored tokens"),
                row("exp007", "2026-03-02T12:40:00Z", "meta", "exp003", "exp000", "parameter_golf",
                        "Longer warmdown", "", "harness_abort", "", "", "", "pg-007", "", "node preempted"),
                row("exp008", "2026-03-02T12:50:00Z", "quant", "exp003", "exp000", "parameter_golf",
                        "Keep embeddings in fp16", "", "size_blocked", "", "", "2.0", "pg-008", "", "16.2 MB"));
        write(dir, "tree.tsv", "exp_id\tparent_exp\tdepth\tstatus",
                "exp000\t\t0\tbaseline", "exp001\texp000\t1\tkeep", "exp002\texp000\t1\tdiscard",
                "exp003\texp001\t2\tkeep");
        snapshot(dir, "exp000_baseline", "MATRIX_LR = 0.04\nMOMENTUM = 0.95\n");
        snapshot(dir, "exp001_opt", "MATRIX_LR = 0.04\nMOMENTUM = 0.97\n");
        snapshot(dir, "exp003_quant", "MATRIX_LR = 0.04\nMOMENTUM = 0.97\nEXPORT = 'int6'\n");
        return dir;
    }

    @Test
    void givenAGolfBlackboard_whenImported_thenTheTreeFollowsParentExpAndTheBestIsTheLastKeep() throws IOException {
        Path source = golfBlackboard();

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, source, "pg", ImportOptions.none());

            assertThat(report.skipped()).isEmpty();
            assertThat(report.rootTrialId()).isEqualTo("pg-exp000");
            assertThat(store.rootTrial()).contains("pg-exp000");
            assertThat(report.trials()).hasSize(9);
            assertThat(report.scoreName()).isEqualTo("val_bpb");
            assertThat(report.direction()).isEqualTo("lower");
            assertThat(report.bestTrialId()).isEqualTo("pg-exp003");
            assertThat(report.bestScore()).isEqualTo(1.2150);
            assertThat(store.bestTrial("pg")).contains("pg-exp003");
            assertThat(store.chainToRoot("pg-exp003")).extracting(TrialInfo::trialId)
                    .containsExactly("pg-exp000", "pg-exp001", "pg-exp003");
            assertThat(store.children("pg-exp000")).extracting(TrialInfo::trialId)
                    .containsExactly("pg-exp001", "pg-exp002");
            assertThat(store.children("pg-exp003")).extracting(TrialInfo::trialId)
                    .containsExactlyInAnyOrder("pg-exp004", "pg-exp005", "pg-exp006", "pg-exp007", "pg-exp008");
        }
    }

    @Test
    void givenEveryArrStatus_whenImported_thenEachMapsOntoALooplabStatusAndKeepsTheOriginal() throws IOException {
        Path source = golfBlackboard();

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, source, "pg", ImportOptions.none());

            Map<String, ImportedTrial> trials = byId(report);
            assertThat(trials.values().stream().collect(Collectors.toMap(ImportedTrial::sourceStatus,
                    ImportedTrial::status, (a, b) -> a))).containsAllEntriesOf(Map.of("baseline", TrialStatus.keep, "keep", TrialStatus.keep,
                    "discard", TrialStatus.discard, "crash", TrialStatus.crash, "preflight_crash", TrialStatus.preflight_reject,
                    "disqualified", TrialStatus.gate_miss, "harness_abort", TrialStatus.worker_lost, "size_blocked", TrialStatus.size_blocked));
            assertThat(trials.get("pg-exp004").score()).as("a crash has no score, not 0").isNull();
            assertThat(trials.get("pg-exp006").score()).isEqualTo(1.2100);
            assertThat(trials.get("pg-exp006").metrics()).containsEntry("source_status", "disqualified")
                    .containsEntry("total_s", 1300.0);
            assertThat(trials.get("pg-exp001").deltaVsParent()).isCloseTo(1.2190 - 1.2244, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(trials.get("pg-exp001").expectedDelta()).isEqualTo(-0.004);
            assertThat(store.outcomeNote("pg-exp006")).hasValueSatisfying(note -> assertThat(note)
                    .startsWith("Outcome of trial pg-exp006: gate_miss (imported; arr status disqualified)")
                    .contains("score: 1.210000 val_bpb (lower is better)")
                    .contains("feedback: peeked at unscored tokens")
                    .contains("```json").contains("\"sourceStatus\": \"disqualified\"")
                    .contains("\"job_name\": \"pg-006\""));
        }
    }

    @Test
    void givenSnapshotsForSomeExperiments_whenImported_thenTheirFilesAreCommittedAndTheOthersSayCodeUnknown()
            throws IOException {
        Path source = golfBlackboard();

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, source, "pg", ImportOptions.none());

            assertThat(store.readFile("pg-exp003", "train_gpt.py")).contains("EXPORT = 'int6'");
            assertThat(store.diffAgainstParent("pg-exp003")).contains("+EXPORT = 'int6'");
            assertThat(byId(report).get("pg-exp002").codeKnown()).isFalse();
            assertThat(store.readFiles("pg-exp002")).containsOnlyKeys(SnapshotSpec.CODE_UNKNOWN_FILE);
            TrialInfo unknown = store.readTrial("pg-exp002").orElseThrow();
            assertThat(unknown.parentTrialId()).isEqualTo("pg-exp000");
            assertThat(unknown.specialist()).isEqualTo("arch");
            assertThat(unknown.campaign()).isEqualTo("pg");
            assertThat(unknown.hypothesis()).isEqualTo("Loop layers 3-5 twice");
            assertThat(unknown.trailers()).containsEntry(HistoryImporter.CODE, "unknown")
                    .containsEntry(HistoryImporter.IMPORTED_FROM, "arr exp002");
            assertThat(store.outcomeNote("pg-exp002")).hasValueSatisfying(note -> assertThat(note)
                    .contains("code unknown: no snapshot of exp002"));
        }
    }

    @Test
    void givenMalformedRows_whenImported_thenEachIsReportedByLineNumberAndTheRestIsImported() throws IOException {
        Path dir = tmp.resolve("messy");
        Files.createDirectories(dir);
        write(dir, "results.tsv", HEADER,
                row("exp000", "2026-03-02T10:00:00Z", "baseline", "", "", "pg", "Baseline", "", "baseline", "1.2244",
                        "", "", "", "", ""),
                "exp001\t2026-03-02T11:00:00Z\topt\texp000\ttoo few fields",
                row("exp002", "2026-03-02T11:05:00Z", "arch", "exp000", "exp000", "pg", "Loops", "", "exploded",
                        "1.2301", "", "", "", "", ""),
                row("exp003", "2026-03-02T12:00:00Z", "opt", "exp000", "exp000", "pg", "Higher lr", "", "keep",
                        "fast", "", "", "", "", ""),
                row("exp004", "2026-03-02T12:10:00Z", "opt", "exp099", "exp000", "pg", "Orphan", "", "discard",
                        "1.23", "", "", "", "", ""),
                row("exp000", "2026-03-02T12:20:00Z", "opt", "", "", "pg", "Duplicate id", "", "discard", "1.25",
                        "", "", "", "", ""),
                row("exp005", "2026-03-02T12:30:00Z", "opt", "exp000", "exp000", "pg", "Lower lr", "", "keep",
                        "1.2200", "", "", "", "", ""),
                row("exp006", "2026-03-02T12:40:00Z", "opt", "exp004", "exp000", "pg", "Child of the orphan", "",
                        "discard", "1.2210", "", "", "", "", ""));

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, dir, "m", ImportOptions.none());

            // a score that is not a number loses the score, not the row
            assertThat(report.trials()).extracting(ImportedTrial::trialId)
                    .containsExactly("m-exp000", "m-exp003", "m-exp005");
            assertThat(report.trials().get(1).score()).isNull();
            assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("val_bpb 'fast' of exp003"));
            assertThat(report.skipped()).extracting(SkippedRow::line).containsExactly(3, 4, 6, 7, 9);
            assertThat(report.skipped()).allSatisfy(row -> assertThat(row.file()).isEqualTo("results.tsv"));
            assertThat(report.skipped().get(0).reason()).contains("has 5 tab-separated fields but the header has 15");
            assertThat(report.skipped().get(1).reason()).contains("status 'exploded' of exp002 is not an ARR status");
            assertThat(report.skipped().get(2).reason()).contains("parent_exp exp099 of exp004");
            assertThat(report.skipped().get(3).reason()).contains("exp_id exp000 is already on line 2");
            assertThat(report.skipped().get(4).reason()).contains("parent_exp exp004 of exp006");
            assertThat(report.summary()).contains("5 rows skipped").contains("results.tsv:3: has 5");
            assertThat(store.bestTrial("m")).contains("m-exp005");
        }
    }

    @Test
    void givenNoBaselineRow_whenImported_thenTheRootIsAnEmptyCommitSayingTheCodeIsUnknown() throws IOException {
        Path dir = tmp.resolve("nobaseline");
        Files.createDirectories(dir);
        write(dir, "results.tsv", "exp_id\tspecialist\tparent_exp\thypothesis\tstatus\tCORE\tnotes",
                "e1\tarch\t\tDeeper model\tkeep\t0.1700\t", "e2\topt\te1\tLonger warmdown\tdiscard\t0.1650\t",
                "e3\tdata\te1\tMore web text\tkeep\t0.1800\t");

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, dir, "nc", ImportOptions.none());

            assertThat(report.rootTrialId()).isEqualTo("nc-root");
            assertThat(store.readFiles("nc-root")).containsOnlyKeys(SnapshotSpec.CODE_UNKNOWN_FILE);
            assertThat(store.readTrial("nc-e1").orElseThrow().parentTrialId()).isEqualTo("nc-root");
            assertThat(report.direction()).isEqualTo("higher");
            assertThat(report.bestTrialId()).isEqualTo("nc-e3");
            assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("no row with status baseline"));
        }
    }

    @Test
    void givenAnImportedBlackboard_whenImportedAgain_thenNothingChanges() throws IOException {
        Path source = golfBlackboard();
        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport first = HistoryImporter.importInto(store, ImportFormat.arr, source, "pg", ImportOptions.none());
            String notesBefore = store.outcomeNote("pg-exp003").orElseThrow();

            ImportReport second = HistoryImporter.importInto(store, ImportFormat.arr, source, "pg", ImportOptions.none());

            assertThat(second.trials()).extracting(ImportedTrial::commitId)
                    .containsExactlyElementsOf(first.trials().stream().map(ImportedTrial::commitId).toList());
            assertThat(store.listTrials()).hasSize(9);
            assertThat(store.outcomeNote("pg-exp003")).contains(notesBefore);
        }
    }

    @Test
    void givenALineageHoldingOneImport_whenAnotherSourceIsImportedIntoIt_thenItIsRefusedNamingBoth() throws IOException {
        Path source = golfBlackboard();
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        write(other, "results.tsv", "exp_id\tstatus\tval_bpb", "b0\tbaseline\t1.3");
        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            HistoryImporter.importInto(store, ImportFormat.arr, source, "pg", ImportOptions.none());

            assertThatThrownBy(() -> HistoryImporter.importInto(store, ImportFormat.arr, other, "pg", ImportOptions.none()))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("already holds the import of arr " + source)
                    .hasMessageContaining("import into a new lineage name");
        }
    }

    @Test
    void givenAFolderWithoutResults_whenImported_thenTheErrorNamesTheMissingFile() {
        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            assertThatThrownBy(() -> HistoryImporter.importInto(store, ImportFormat.arr, tmp, "pg", ImportOptions.none()))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("has no results.tsv")
                    .hasMessageContaining("blackboard folder");
            assertThatThrownBy(() -> HistoryImporter.importInto(store, ImportFormat.arr, tmp.resolve("nope"), "pg", ImportOptions.none()))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("is not a folder");
            assertThat(store.hasRoot()).isFalse();
        }
    }

    @Test
    void givenAResultsFileSavedBySpreadsheet_whenImported_thenTheByteOrderMarkAndCrlfAreNotData() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("excel"));
        Files.writeString(dir.resolve("results.tsv"), "\uFEFFexp_id\tstatus\tval_bpb\r\nb0\tbaseline\t1.30\r\n"
                + "e1\tkeep\t1.25\r\n\r\n");

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.arr, dir, "x", ImportOptions.none());

            assertThat(report.skipped()).isEmpty();
            assertThat(report.trials()).extracting(ImportedTrial::trialId).containsExactly("x-b0", "x-e1");
            assertThat(report.bestScore()).isEqualTo(1.25);
        }
    }

    // ---- helpers

    static Map<String, ImportedTrial> byId(ImportReport report) {
        return report.trials().stream().collect(Collectors.toMap(ImportedTrial::trialId, Function.identity()));
    }

    static String row(String... fields) {
        return String.join("\t", fields);
    }

    static void write(Path dir, String file, String header, String... rows) throws IOException {
        Files.writeString(dir.resolve(file), header + "\n" + String.join("\n", List.of(rows)) + "\n");
    }

    static void snapshot(Path dir, String name, String knobs) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("snapshots").resolve(name));
        Files.writeString(folder.resolve("train_gpt.py"), "import torch\n" + knobs + "def main():\n    pass\n");
        Files.createDirectories(folder.resolve("__pycache__"));
        Files.writeString(folder.resolve("__pycache__/train_gpt.cpython-311.pyc"), "bytecode");
    }
}
