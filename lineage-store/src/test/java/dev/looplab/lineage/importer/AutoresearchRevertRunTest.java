package dev.looplab.lineage.importer;

import static dev.looplab.lineage.importer.AutoresearchImportTest.git;
import static dev.looplab.lineage.importer.AutoresearchImportTest.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.looplab.lineage.LineageStore;
import dev.looplab.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An autoresearch run made the way Karpathy's published one is: a branch {@code exp/H100/mar8}, a first row whose
 * commit is {@code baseline}, discards undone by {@code git revert} so they stay on the branch, commits that only
 * update results.tsv and a binary chart, results.tsv committed to the branch, and extra columns.
 */
class AutoresearchRevertRunTest {

    static final String HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tmfu\ttok_per_sec\tnum_steps\tnum_params_M\t"
            + "description";

    @TempDir
    Path tmp;
    Path repo;
    final List<String> rows = new ArrayList<>();
    final List<String> commits = new ArrayList<>();

    @BeforeEach
    void startRun() throws IOException {
        assumeTrue(git(tmp, "--version").startsWith("git version"), "the git CLI is not on PATH");
        repo = Files.createDirectories(tmp.resolve("autoresearch"));
        git(repo, "init", "-q", "-b", "master");
        Files.writeString(repo.resolve("prepare.py"), "MAX_SEQ_LEN = 2048\n");
        Files.writeString(repo.resolve("train.py"), train("0.04", "relu2"));
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial commit");
        git(repo, "checkout", "-q", "-b", "exp/H100/mar8");
        rows.add(String.join("\t", "baseline", "0.997900", "44.0", "keep", "38.1", "510000", "953", "50.3",
                "baseline"));
        experiment(train("0.05", "relu2"), "0.993200", "keep", "increase LR to 0.05");
        commitResults("update results.tsv and progress chart", true);
        experiment(train("0.05", "gelu"), "1.005000", "discard", "switch to GeLU");
        git(repo, "revert", "--no-edit", "HEAD");
        experiment(train("0.05", "relu2\nWIDTH = 2 * WIDTH"), "0.000000", "crash", "double width (OOM)");
        git(repo, "revert", "--no-edit", "HEAD");
        experiment(train("0.05", "relu2\nWARMDOWN = 0.6"), "0.990100", "keep", "warmdown over the last 60%");
        commitResults("results", false);
        git(repo, "checkout", "-q", "master");
    }

    @Test
    void givenARevertStyleRunOnACustomBranch_whenImported_thenRowsMatchCommitsAndDiscardsHangOffWhatTheyTried()
            throws IOException {
        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            ImportReport report = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar8",
                    ImportOptions.none());

            assertThat(report.skipped()).isEmpty();
            assertThat(report.source()).endsWith(" exp/H100/mar8");
            Map<String, ImportedTrial> byDescription = report.trials().stream()
                    .collect(Collectors.toMap(ImportedTrial::hypothesis, t -> t));
            ImportedTrial root = byDescription.get("baseline");
            assertThat(report.rootTrialId()).isEqualTo("mar8-baseline").isEqualTo(root.trialId());
            assertThat(root.score()).isEqualTo(0.9979);
            assertThat(store.readFile(root.trialId(), "train.py")).isEqualTo(train("0.04", "relu2"));
            String lr = byDescription.get("increase LR to 0.05").trialId();
            assertThat(byDescription.get("increase LR to 0.05").parentTrialId()).isEqualTo(root.trialId());
            assertThat(byDescription.get("switch to GeLU").parentTrialId()).isEqualTo(lr);
            assertThat(byDescription.get("double width (OOM)").parentTrialId()).isEqualTo(lr);
            assertThat(byDescription.get("warmdown over the last 60%").parentTrialId()).isEqualTo(lr);
            assertThat(byDescription.get("switch to GeLU").codeKnown()).isTrue();
            assertThat(store.readFile(byDescription.get("switch to GeLU").trialId(), "train.py"))
                    .isEqualTo(train("0.05", "gelu"));
            assertThat(byDescription.get("double width (OOM)").status()).isEqualTo(TrialStatus.crash);
            assertThat(report.bestTrialId()).isEqualTo(byDescription.get("warmdown over the last 60%").trialId());
            assertThat(report.trials()).hasSize(5);
            assertThat(byDescription.get("switch to GeLU").metrics()).containsEntry("mfu", 38.5)
                    .containsEntry("tok_per_sec", 512000.0).containsEntry("num_steps", 960.0)
                    .containsEntry("num_params_m", 50.3);
            // the chart and results.tsv are not recipe code
            String kept = byDescription.get("warmdown over the last 60%").trialId();
            assertThat(store.readFiles(kept)).containsOnlyKeys("prepare.py", "train.py");
            assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("left out progress.png"));
            assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("read as committed to exp/H100/mar8"));
        }
    }

    @Test
    void givenTwoRunBranches_whenImportedWithABranch_thenThatOneIsReadAndWithoutOneTheErrorNamesThem()
            throws IOException {
        git(repo, "branch", "exp/H100/mar9", "master");

        try (LineageStore store = LineageStore.open(tmp.resolve("lineage.git"))) {
            assertThatThrownBy(() -> HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar8",
                    ImportOptions.none())).isInstanceOf(ImportException.class)
                    .hasMessageContaining("[exp/H100/mar8, exp/H100/mar9]").hasMessageContaining("--branch NAME");
            assertThatThrownBy(() -> HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar8",
                    ImportOptions.branch("exp/H100/mar7"))).isInstanceOf(ImportException.class)
                    .hasMessageContaining("has no branch exp/H100/mar7");

            ImportReport report = HistoryImporter.importInto(store, ImportFormat.autoresearch, repo, "mar8",
                    ImportOptions.branch("exp/H100/mar8"));

            assertThat(report.trials()).hasSize(5);
        }
    }

    void experiment(String trainPy, String valBpb, String status, String description) throws IOException {
        Files.writeString(repo.resolve("train.py"), trainPy);
        git(repo, "commit", "-q", "-am", description);
        String commit = git(repo, "rev-parse", "--short=7", "HEAD").strip();
        commits.add(commit);
        rows.add(String.join("\t", commit, valBpb, "44.1", status, "38.5", "512000", "960", "50.3", description));
    }

    void commitResults(String message, boolean chart) throws IOException {
        Files.writeString(repo.resolve("results.tsv"), HEADER + "\n" + String.join("\n", rows) + "\n");
        if (chart) {
            Files.write(repo.resolve("progress.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, 1, 2});
        }
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", message);
    }
}
