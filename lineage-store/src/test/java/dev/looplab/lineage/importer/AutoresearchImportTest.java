package dev.looplab.lineage.importer;

import dev.looplab.trial.TrialStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.SnapshotSpec;
import dev.looplab.lineage.TrialInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing a karpathy/autoresearch run. The run is made the way its agent makes one: a branch
 * autoresearch/&lt;tag&gt;, one commit per experiment, {@code git reset --hard HEAD~1} after a discard or crash, and
 * an untracked results.tsv.
 */
class AutoresearchImportTest {

    static final String HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tdescription";

    @TempDir
    Path tmp;
    Path repo;
    final List<String> results = new ArrayList<>();

    @BeforeEach
    void startRun() throws IOException {
        assumeTrue(git(tmp, "--version").startsWith("git version"), "the git CLI is not on PATH");
        repo = tmp.resolve("autoresearch");
        Files.createDirectories(repo);
        git(repo, "init", "-q", "-b", "master");
        Files.writeString(repo.resolve("prepare.py"), "MAX_SEQ_LEN = 2048\nTIME_BUDGET = 300\n");
        Files.writeString(repo.resolve("program.md"), "# autoresearch\nLOOP FOREVER\n");
        Files.writeString(repo.resolve("train.py"), train("0.04", "relu2"));
        Files.writeString(repo.resolve(".gitignore"), "results.tsv\nrun.log\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial commit");
        git(repo, "checkout", "-q", "-b", "autoresearch/mar5");
    }

    /** The canonical run: baseline, a keep, a discard and a crash reset away, then another keep. */
    void canonicalRun() throws IOException {
        experiment(null, "0.997900", "44.0", "keep", "baseline");
        experiment(train("0.05", "relu2"), "0.993200", "44.2", "keep", "increase LR to 0.05");
        experiment(train("0.05", "gelu"), "1.005000", "44.0", "discard", "switch to GeLU activation");
        experiment(train("0.05", "relu2\nWIDTH = 2 * WIDTH"), "0.000000", "0.0", "crash", "double model width (OOM)");
        experiment(train("0.05", "relu2\nWARMDOWN = 0.6"), "0.990100", "44.2", "keep", "warmdown over the last 60%");
        writeResults();
    }

    @Test
    void givenARun_whenImported_thenDiscardsHangOffTheKeptTipAndTheBestIsTheBranchTip() throws IOException {
        canonicalRun();
        String tip = git(repo, "rev-parse", "--short=7", "autoresearch/mar5").strip();

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar5", ImportOptions.none());

            List<String> ids = report.trials().stream().map(ImportedTrial::trialId).toList();
            assertThat(report.skipped()).isEmpty();
            assertThat(ids).hasSize(5);
            assertThat(report.rootTrialId()).isEqualTo(ids.get(0));
            assertThat(report.bestTrialId()).isEqualTo("mar5-" + tip).isEqualTo(ids.get(4));
            assertThat(store.bestTrial("mar5")).contains(ids.get(4));
            assertThat(store.chainToRoot(ids.get(4))).extracting(TrialInfo::trialId)
                    .containsExactly(ids.get(0), ids.get(1), ids.get(4));
            assertThat(store.children(ids.get(1))).extracting(TrialInfo::trialId)
                    .containsExactlyInAnyOrder(ids.get(2), ids.get(3), ids.get(4));
            assertThat(report.trials()).extracting(ImportedTrial::status)
                    .containsExactly(TrialStatus.keep, TrialStatus.keep, TrialStatus.discard, TrialStatus.crash, TrialStatus.keep);
            assertThat(report.direction()).isEqualTo("lower");
            assertThat(report.bestScore()).isEqualTo(0.9901);
        }
    }

    @Test
    void givenACrashRow_whenImported_thenItHasNoScoreAndItsNoteKeepsTheOriginalRow() throws IOException {
        canonicalRun();

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar5", ImportOptions.none());

            ImportedTrial crash = report.trials().get(3);
            assertThat(crash.score()).isNull();
            assertThat(crash.metrics()).containsEntry("val_bpb", 0.0).containsEntry("source_status", "crash");
            assertThat(report.trials().get(1).metrics()).containsEntry("memory_gb", 44.2);
            assertThat(report.trials().get(1).deltaVsParent()).isCloseTo(0.9932 - 0.9979,
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(store.outcomeNote(crash.trialId())).hasValueSatisfying(note -> assertThat(note)
                    .startsWith("Outcome of trial " + crash.trialId() + ": crash (imported; autoresearch status crash)")
                    .contains("\"description\": \"double model width (OOM)\""));
            assertThat(store.readTrial(crash.trialId()).orElseThrow().hypothesis()).isEqualTo("double model width (OOM)");
        }
    }

    @Test
    void givenDiscardedCommitsPrunedAway_whenImported_thenTheirCodeIsUnknownButTheirParentIsKept() throws IOException {
        canonicalRun();
        git(repo, "reflog", "expire", "--expire-unreachable=now", "--all");
        git(repo, "gc", "-q", "--prune=now");

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar5", ImportOptions.none());

            ImportedTrial discard = report.trials().get(2);
            assertThat(discard.codeKnown()).isFalse();
            assertThat(store.readFiles(discard.trialId())).containsOnlyKeys(SnapshotSpec.CODE_UNKNOWN_FILE);
            assertThat(store.readTrial(discard.trialId()).orElseThrow().parentTrialId())
                    .isEqualTo(report.trials().get(1).trialId());
            assertThat(store.outcomeNote(discard.trialId())).hasValueSatisfying(note -> assertThat(note)
                    .contains("is not in the repository (reset away)"));
            ImportedTrial kept = report.trials().get(4);
            assertThat(kept.codeKnown()).isTrue();
            assertThat(store.readFiles(kept.trialId())).containsOnlyKeys(".gitignore", "prepare.py", "program.md", "train.py");
            assertThat(store.readFile(kept.trialId(), "train.py")).isEqualTo(train("0.05", "relu2\nWARMDOWN = 0.6"));
        }
    }

    @Test
    void givenMalformedRows_whenImported_thenEachIsReportedByLineNumberAndSkipped() throws IOException {
        experiment(null, "0.997900", "44.0", "keep", "baseline");
        results.add("zzzzzzz\t0.99\t44.0\tkeep\tnot a hash");
        results.add("abcdef1\t0.99\tkeep\tmissing the memory column");
        results.add("abcdef2\tlow\t44.0\tdiscard\tval_bpb is a word");
        results.add("abcdef3\t0.99\t44.0\tmaybe\tunknown status");
        experiment(train("0.05", "relu2"), "0.993200", "44.2", "keep", "increase LR to 0.05");
        writeResults();

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar5", ImportOptions.none());

            assertThat(report.trials()).hasSize(2);
            assertThat(report.skipped()).extracting(SkippedRow::line).containsExactly(3, 4, 5, 6);
            assertThat(report.skipped().get(0).reason()).contains("'zzzzzzz' is not a hex commit hash");
            assertThat(report.skipped().get(1).reason()).contains("has 4 tab-separated fields but the header has 5");
            assertThat(report.skipped().get(2).reason()).contains("val_bpb or memory_gb of abcdef2");
            assertThat(report.skipped().get(3).reason()).contains("status 'maybe'");
        }
    }

    @Test
    void givenTwoRunBranches_whenImportedWithoutATag_thenItIsRefusedNamingThemAndATagChoosesOne() throws IOException {
        canonicalRun();
        git(repo, "branch", "autoresearch/mar6", "master");
        git(repo, "checkout", "-q", "master");

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            assertThatThrownBy(() -> HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar5", ImportOptions.none()))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("several branches besides the default [autoresearch/mar5, autoresearch/mar6]")
                    .hasMessageContaining("--branch NAME");

            ImportReport report = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar5", ImportOptions.branch("mar5"));

            assertThat(report.trials()).hasSize(5);
            assertThat(report.source()).endsWith("autoresearch/mar5");
        }
    }

    @Test
    void givenAFolderThatIsNoGitRepository_whenImported_thenTheErrorSaysWhatToPass() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        Files.writeString(plain.resolve("results.tsv"), HEADER + "\n");

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            assertThatThrownBy(() -> HistoryImporter.importInto(store, ImportFormat.autoresearch, plain, "x", ImportOptions.none()))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("is not a git repository")
                    .hasMessageContaining("the folder with .git and results.tsv");
        }
    }

    @Test
    void givenAnImportedRun_whenExportedAsAutoresearchAndImportedBackFromAClone_thenTreeStatusesAndBestAreTheSame()
            throws IOException {
        canonicalRun();
        Path lineage = tmp.resolve("lineage.git");
        ImportReport original;
        Map<String, String> files;
        try (LineageStore store = LineageStore.open(lineage)) {
            original = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar5", ImportOptions.none());
            files = HistoryExporter.export(store, "mar5", ImportFormat.autoresearch);
        }
        git(tmp, "clone", "-q", lineage.toString(), "back");
        Path back = tmp.resolve("back");
        Files.writeString(back.resolve("results.tsv"), files.get("results.tsv"));

        ImportReport again;
        try (LineageStore store = LineageStore.open(tmp.resolve("again.git"))) {
            again = HistoryImporter.importInto(store, ImportFormat.autoresearch, back, "again",
                    ImportOptions.branch("best/mar5"));
        }

        Map<String, String> commitOf = new java.util.HashMap<>();
        original.trials().forEach(t -> commitOf.put(t.trialId(), t.commitId().substring(0, 12)));
        Map<String, String> before = new java.util.HashMap<>();
        original.trials().forEach(t -> before.put(commitOf.get(t.trialId()),
                (t.parentTrialId() == null ? "" : commitOf.get(t.parentTrialId())) + " " + t.status()));
        Map<String, String> after = new java.util.HashMap<>();
        again.trials().forEach(t -> after.put(t.sourceId(),
                (t.parentTrialId() == null ? "" : t.parentTrialId().substring("again-".length())) + " " + t.status()));
        assertThat(again.skipped()).isEmpty();
        assertThat(after).isEqualTo(before);
        assertThat(again.bestTrialId()).isEqualTo("again-" + commitOf.get(original.bestTrialId()));
        assertThat(again.bestScore()).isEqualTo(original.bestScore());
    }

    // ---- the run, step by step as the agent does it

    /** Commits the edit (none for the baseline), logs the row, and resets a discard or crash away. */
    void experiment(String trainPy, String valBpb, String memoryGb, String status, String description)
            throws IOException {
        if (trainPy != null) {
            Files.writeString(repo.resolve("train.py"), trainPy);
            git(repo, "commit", "-q", "-am", description);
        }
        String commit = git(repo, "rev-parse", "--short=7", "HEAD").strip();
        results.add(String.join("\t", commit, valBpb, memoryGb, status, description));
        if (!status.equals("keep")) {
            git(repo, "reset", "-q", "--hard", "HEAD~1");
        }
    }

    void writeResults() throws IOException {
        Files.writeString(repo.resolve("results.tsv"), HEADER + "\n" + String.join("\n", results) + "\n");
    }

    static String train(String lr, String activation) {
        return "import torch\nMATRIX_LR = " + lr + "\nACTIVATION = '" + activation + "'\n";
    }

    static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=agent", "-c", "user.email=agent@example.com"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
