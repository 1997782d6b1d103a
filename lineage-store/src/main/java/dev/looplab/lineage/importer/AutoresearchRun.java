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
import java.util.TreeMap;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads a karpathy/autoresearch run: the checkout's git repository with its {@code autoresearch/<tag>} branch and
 * the untracked {@code results.tsv} (commit, val_bpb, memory_gb, status, description). The first row is the
 * baseline; each later experiment's parent is the last kept commit before it, because autoresearch resets a
 * discarded commit away and builds on the branch tip.
 */
final class AutoresearchRun {

    static final String RESULTS = "results.tsv";
    static final String BRANCHES = "refs/heads/autoresearch/";

    private static final Map<String, TrialStatus> STATUSES = Map.of("keep", TrialStatus.keep, "discard",
            TrialStatus.discard, "crash", TrialStatus.crash);

    private AutoresearchRun() {
    }

    static SourceHistory read(Path dir, String tag) {
        Path resultsFile = dir.resolve(RESULTS);
        if (!Files.isRegularFile(resultsFile)) {
            throw new ImportException("autoresearch run " + dir + " has no " + RESULTS
                    + "; pass the autoresearch checkout whose results.tsv lists the experiments");
        }
        try (Repository repo = open(dir)) {
            String branch = branch(repo, dir, tag);
            Tsv results = Tsv.read(resultsFile, RESULTS);
            for (String required : List.of("commit", "status")) {
                if (!results.hasColumn(required)) {
                    throw new ImportException(resultsFile + " has no '" + required + "' column (header: "
                            + String.join(", ", results.header())
                            + "); autoresearch writes commit, val_bpb, memory_gb, status, description");
                }
            }
            List<SkippedRow> skipped = new ArrayList<>(results.malformed());
            List<String> warnings = new ArrayList<>();
            List<SourceTrial> trials = new ArrayList<>();
            Map<String, Integer> uses = new HashMap<>();
            String tip = null;
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit branchTip = walk.parseCommit(repo.exactRef(branch).getObjectId());
                for (Tsv.Row row : results.rows()) {
                    String commit = row.get("commit").toLowerCase(Locale.ROOT);
                    String sourceStatus = row.get("status").toLowerCase(Locale.ROOT);
                    if (!commit.matches("[0-9a-f]{4,40}")) {
                        skipped.add(new SkippedRow(RESULTS, row.line(), "commit '" + row.get("commit")
                                + "' is not a hex commit hash"));
                        continue;
                    }
                    TrialStatus status = STATUSES.get(sourceStatus);
                    if (status == null) {
                        skipped.add(new SkippedRow(RESULTS, row.line(), "status '" + row.get("status") + "' of "
                                + commit + " is not keep, discard or crash"));
                        continue;
                    }
                    Double valBpb;
                    Object memory;
                    try {
                        valBpb = SourceValues.number(row.get("val_bpb"));
                        memory = SourceValues.number(row.get("memory_gb"));
                    } catch (NumberFormatException e) {
                        skipped.add(new SkippedRow(RESULTS, row.line(), "val_bpb or memory_gb of " + commit
                                + " is not a number (" + e.getMessage() + ")"));
                        continue;
                    }
                    int use = uses.merge(commit, 1, Integer::sum);
                    String sourceId = use == 1 ? commit : commit + "-" + use;
                    Map<String, Object> metrics = new LinkedHashMap<>();
                    row.values().forEach((column, value) -> {
                        if (!column.equals("commit") && !column.equals("status") && !column.equals("description")
                                && !value.isEmpty()) {
                            metrics.put(column, SourceValues.numberOrText(value));
                        }
                    });
                    metrics.put("source_status", sourceStatus);
                    // autoresearch logs a crash as val_bpb 0.000000: no score, not a perfect one
                    Double score = status == TrialStatus.crash || (valBpb != null && valBpb == 0.0) ? null : valBpb;
                    Code code = code(repo, walk, commit, warnings, row.line());
                    if (status == TrialStatus.keep && code.commit() != null && !walk.isMergedInto(code.commit(), branchTip)) {
                        warnings.add(RESULTS + ":" + row.line() + ": kept commit " + commit + " is not on " + branch
                                + "; it is imported as kept all the same");
                    }
                    String description = row.has("description") ? row.get("description")
                            : "Experiment " + commit + " (no description recorded)";
                    trials.add(new SourceTrial(sourceId, tip, row.line(), "autoresearch", "train.py", description,
                            null, sourceStatus, status, score, metrics, Map.copyOf(row.values()), null, null,
                            row.has("description") ? row.get("description") : null, code.time(), code.files(),
                            code.what()));
                    if (tip == null || status == TrialStatus.keep) {
                        tip = sourceId;
                    }
                }
            }
            if (trials.isEmpty()) {
                throw new ImportException(resultsFile + " has no importable row (" + skipped.size()
                        + " skipped: " + skipped + "); the first row must be the baseline run");
            }
            String key = "autoresearch " + dir + " " + branch.substring("refs/heads/".length());
            return new SourceHistory(ImportFormat.autoresearch, key, "val_bpb", "lower", trials.get(0),
                    trials.subList(1, trials.size()), skipped, warnings);
        } catch (IOException e) {
            throw new ImportException("cannot read the git repository of " + dir + ": " + e.getMessage(), e);
        }
    }

    private record Code(Map<String, byte[]> files, Instant time, RevCommit commit, String what) {
    }

    private static Code code(Repository repo, RevWalk walk, String commit, List<String> warnings, int line)
            throws IOException {
        ObjectId id;
        try {
            id = repo.resolve(commit + "^{commit}");
        } catch (AmbiguousObjectException e) {
            warnings.add(RESULTS + ":" + line + ": commit " + commit + " is ambiguous in the repository;"
                    + " its code is recorded as unknown");
            return new Code(null, null, null, "commit " + commit + " is ambiguous");
        } catch (RevisionSyntaxException | MissingObjectException e) {
            id = null;
        }
        if (id == null) {
            return new Code(null, null, null, "commit " + commit + " is not in the repository (reset away)");
        }
        RevCommit revCommit = walk.parseCommit(id);
        Map<String, byte[]> files = new TreeMap<>();
        try (TreeWalk tree = new TreeWalk(repo)) {
            tree.addTree(revCommit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                if ((tree.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                    continue;
                }
                ObjectLoader blob = repo.open(tree.getObjectId(0));
                if (blob.getSize() > SourceValues.MAX_FILE_BYTES) {
                    warnings.add("commit " + commit + ": left out " + tree.getPathString() + " (" + blob.getSize()
                            + " bytes; a lineage keeps recipe code, not data)");
                    continue;
                }
                files.put(tree.getPathString(), blob.getBytes());
            }
        }
        return new Code(files.isEmpty() ? null : files, Instant.ofEpochSecond(revCommit.getCommitTime()), revCommit,
                "commit " + revCommit.name());
    }

    private static Repository open(Path dir) {
        Path gitDir = Files.isDirectory(dir.resolve(".git")) ? dir.resolve(".git") : dir;
        try {
            return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ImportException(dir + " is not a git repository (" + e.getMessage()
                    + "); pass the autoresearch checkout, the folder with .git and results.tsv", e);
        }
    }

    private static String branch(Repository repo, Path dir, String tag) throws IOException {
        List<Ref> branches = repo.getRefDatabase().getRefsByPrefix(BRANCHES);
        List<String> names = branches.stream().map(r -> r.getName().substring(BRANCHES.length())).sorted().toList();
        if (tag != null && !tag.isBlank()) {
            String wanted = tag.startsWith("autoresearch/") ? tag.substring("autoresearch/".length()) : tag;
            if (!names.contains(wanted)) {
                throw new ImportException(dir + " has no branch autoresearch/" + wanted + "; its autoresearch"
                        + " branches are " + names + "; pass one of those tags");
            }
            return BRANCHES + wanted;
        }
        if (names.size() == 1) {
            return BRANCHES + names.get(0);
        }
        if (names.isEmpty()) {
            throw new ImportException(dir + " has no autoresearch/<tag> branch; is this an autoresearch checkout?"
                    + " autoresearch runs on a branch named autoresearch/<tag>");
        }
        String current = repo.getFullBranch();
        if (current != null && current.startsWith(BRANCHES)) {
            return current;
        }
        throw new ImportException(dir + " has several autoresearch branches " + names
                + " and none is checked out; pass the tag of the run whose results.tsv this is");
    }
}
