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
 * Reads a karpathy/autoresearch run: the checkout's git repository with the run's branch (any name:
 * {@code autoresearch/<tag>}, {@code exp/H100/mar8}) and its {@code results.tsv} (commit, val_bpb, memory_gb, status,
 * description, and any extra columns), untracked or committed to the branch, whichever is newer. Rows are matched
 * to commits by hash; each experiment's parent is the nearest kept experiment among its commit's ancestors (so a
 * discard that a {@code revert:} commit undid still hangs off the commit it was tried on), or, for a commit reset
 * away, the last kept row before it. A first row whose commit is {@code baseline} is the commit the run started from.
 */
final class AutoresearchRun {

    static final String RESULTS = "results.tsv";
    private static final String LEGACY_PREFIX = "autoresearch/";
    private static final Set<String> DEFAULT_NAMES = Set.of("main", "master");
    // A row's kept ancestor is found within this many commits, else the row order decides.
    private static final int MAX_WALK = 500;

    private static final Map<String, TrialStatus> STATUSES = Map.of("keep", TrialStatus.keep, "discard",
            TrialStatus.discard, "crash", TrialStatus.crash, "baseline", TrialStatus.keep);

    private AutoresearchRun() {
    }

    static SourceHistory read(Path dir, ImportOptions options, String sourceKeyBase) {
        try (Repository repo = open(dir)) {
            Branch branch = branch(repo, dir, options.branch());
            List<String> warnings = new ArrayList<>();
            Tsv results = results(repo, dir, branch, warnings);
            for (String required : List.of("commit", "status")) {
                if (!results.hasColumn(required)) {
                    throw new ImportException(RESULTS + " of " + dir + " has no '" + required + "' column (header: "
                            + String.join(", ", results.header())
                            + "); autoresearch writes commit, val_bpb, memory_gb, status, description");
                }
            }
            List<SkippedRow> skipped = new ArrayList<>(results.malformed());
            List<SourceTrial> trials = new ArrayList<>();
            Map<String, Integer> uses = new HashMap<>();
            Map<ObjectId, String> keptCommits = new HashMap<>();
            Map<String, Integer> leftOut = new TreeMap<>();
            String tip = null;
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit branchTip = walk.parseCommit(branch.ref().getObjectId());
                for (Tsv.Row row : results.rows()) {
                    String commit = row.get("commit").toLowerCase(Locale.ROOT);
                    String sourceStatus = row.get("status").toLowerCase(Locale.ROOT);
                    boolean baseline = commit.equals("baseline") && trials.isEmpty();
                    if (!baseline && !commit.matches("[0-9a-f]{4,40}")) {
                        skipped.add(new SkippedRow(RESULTS, row.line(), "commit '" + row.get("commit")
                                + "' is not a hex commit hash" + (commit.equals("baseline")
                                        ? " (baseline is only the first row's commit)" : "")));
                        continue;
                    }
                    TrialStatus status = STATUSES.get(sourceStatus);
                    if (status == null) {
                        skipped.add(new SkippedRow(RESULTS, row.line(), "status '" + row.get("status") + "' of "
                                + commit + " is not keep, discard or crash"));
                        continue;
                    }
                    Double valBpb;
                    try {
                        valBpb = SourceValues.number(row.get("val_bpb"));
                        SourceValues.number(row.get("memory_gb"));
                    } catch (NumberFormatException e) {
                        skipped.add(new SkippedRow(RESULTS, row.line(), "val_bpb or memory_gb of " + commit
                                + " is not a number (" + e.getMessage() + "); correct the cell"));
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
                    Code code = baseline ? startOf(repo, walk, branch, results, warnings, leftOut)
                            : code(repo, walk, commit, warnings, row.line(), leftOut);
                    String parent = tip;
                    if (!baseline && code.commit() != null && tip != null) {
                        String kept = keptAncestor(walk, code.commit(), keptCommits);
                        parent = kept != null ? kept : tip;
                    }
                    if (status == TrialStatus.keep && code.commit() != null && !baseline
                            && !walk.isMergedInto(code.commit(), branchTip)) {
                        warnings.add(RESULTS + ":" + row.line() + ": kept commit " + commit + " is not on "
                                + branch.name() + "; it is imported as kept all the same");
                    }
                    String description = row.has("description") ? row.get("description")
                            : "Experiment " + commit + " (no description recorded)";
                    trials.add(new SourceTrial(sourceId, trials.isEmpty() ? null : parent, row.line(), "autoresearch",
                            "train.py", description, null, sourceStatus, status, score, metrics,
                            Map.copyOf(row.values()), null, null,
                            row.has("description") ? row.get("description") : null, code.time(), code.files(),
                            code.what()));
                    if (tip == null || status == TrialStatus.keep) {
                        tip = sourceId;
                        if (code.commit() != null) {
                            keptCommits.put(code.commit().copy(), sourceId);
                        }
                    }
                }
            }
            leftOut.forEach((path, count) -> warnings.add("left out " + path + " from " + count + " commit"
                    + (count == 1 ? "" : "s") + " (binary or over " + SourceValues.MAX_FILE_BYTES
                    + " bytes; a lineage keeps recipe code, not charts, data or checkpoints)"));
            if (trials.isEmpty()) {
                throw new ImportException(RESULTS + " of " + dir + " has no importable row (" + skipped.size()
                        + " skipped: " + skipped + "); the first row must be the baseline run");
            }
            return new SourceHistory(ImportFormat.autoresearch, sourceKeyBase + " " + branch.name(), "val_bpb",
                    "lower", trials.get(0), trials.subList(1, trials.size()), skipped, List.of(), warnings, null,
                    null);
        } catch (IOException e) {
            throw new ImportException("cannot read the git repository of " + dir + ": " + e.getMessage(), e);
        }
    }

    private record Code(Map<String, byte[]> files, Instant time, RevCommit commit, String what) {
    }

    /** The run's branch and, when there is one, the default branch it started from. */
    private record Branch(String name, Ref ref, Ref start) {
    }

    /** The nearest ancestor of {@code commit} (itself excluded) that is a kept row, or null within the walk's reach. */
    private static String keptAncestor(RevWalk walk, RevCommit commit, Map<ObjectId, String> keptCommits)
            throws IOException {
        java.util.ArrayDeque<RevCommit> queue = new java.util.ArrayDeque<>();
        java.util.Set<ObjectId> seen = new java.util.HashSet<>();
        RevCommit start = walk.parseCommit(commit);
        for (RevCommit p : start.getParents()) {
            queue.add(p);
        }
        int steps = 0;
        while (!queue.isEmpty() && steps++ < MAX_WALK) {
            RevCommit c = walk.parseCommit(queue.poll());
            if (!seen.add(c.copy())) {
                continue;
            }
            String kept = keptCommits.get(c);
            if (kept != null) {
                return kept;
            }
            for (RevCommit p : c.getParents()) {
                queue.add(p);
            }
        }
        return null;
    }

    /**
     * The results.tsv to read: the untracked file in the checkout or the one committed to the branch (an agent
     * may commit it part way through), whichever has more rows; the checkout's on a tie.
     */
    private static Tsv results(Repository repo, Path dir, Branch branch, List<String> warnings) throws IOException {
        Path file = dir.resolve(RESULTS);
        Tsv untracked = Files.isRegularFile(file) ? Tsv.read(file, RESULTS) : null;
        Tsv committed = null;
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit tip = walk.parseCommit(branch.ref().getObjectId());
            try (TreeWalk tree = TreeWalk.forPath(repo, RESULTS, tip.getTree())) {
                if (tree != null) {
                    String text = new String(repo.open(tree.getObjectId(0)).getBytes(),
                            java.nio.charset.StandardCharsets.UTF_8);
                    committed = Tsv.parse(text, RESULTS + " at " + branch.name(), RESULTS);
                }
            }
        }
        if (untracked == null && committed == null) {
            throw new ImportException("autoresearch run " + dir + " has no " + RESULTS + ", neither in the checkout"
                    + " nor committed to " + branch.name() + "; pass the checkout whose results.tsv lists the"
                    + " experiments, or --branch for the run's branch");
        }
        if (committed != null && (untracked == null || size(committed) > size(untracked))) {
            warnings.add(RESULTS + " is read as committed to " + branch.name() + " (" + size(committed) + " rows"
                    + (untracked == null ? ", none in the checkout" : "; the checkout's has " + size(untracked)) + ")");
            return committed;
        }
        return untracked;
    }

    private static int size(Tsv tsv) {
        return tsv.rows().size() + tsv.broken().size();
    }

    /** The code of a {@code baseline} row: the commit the run started from (where the branch left the default). */
    private static Code startOf(Repository repo, RevWalk walk, Branch branch, Tsv results, List<String> warnings,
            Map<String, Integer> leftOut) throws IOException {
        RevCommit start = null;
        if (branch.start() != null) {
            try (RevWalk bases = new RevWalk(repo)) {
                bases.setRevFilter(org.eclipse.jgit.revwalk.filter.RevFilter.MERGE_BASE);
                bases.markStart(bases.parseCommit(branch.ref().getObjectId()));
                bases.markStart(bases.parseCommit(branch.start().getObjectId()));
                start = bases.next();
            }
        }
        if (start == null) {
            // no default branch: the parent of the first experiment commit that is on the branch
            for (Tsv.Row row : results.rows()) {
                Code code = row.get("commit").matches("[0-9a-fA-F]{4,40}")
                        ? code(repo, walk, row.get("commit").toLowerCase(Locale.ROOT), new ArrayList<>(), row.line(),
                                new HashMap<>())
                        : null;
                if (code != null && code.commit() != null && code.commit().getParentCount() > 0) {
                    start = walk.parseCommit(code.commit().getParent(0));
                    break;
                }
            }
        }
        if (start == null) {
            warnings.add("the baseline row names no commit and the run's start is not found; its code is unknown");
            return new Code(null, null, null, "baseline: the run's start commit is not found");
        }
        Code code = files(repo, walk.parseCommit(start), start.name(), warnings, leftOut);
        return new Code(code.files(), code.time(), code.commit(), "baseline: commit " + start.name()
                + ", where the run started");
    }

    private static Code code(Repository repo, RevWalk walk, String commit, List<String> warnings, int line,
            Map<String, Integer> leftOut) throws IOException {
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
        return files(repo, walk.parseCommit(id), commit, warnings, leftOut);
    }

    private static Code files(Repository repo, RevCommit revCommit, String commit, List<String> warnings,
            Map<String, Integer> leftOut) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        List<String> left = new ArrayList<>();
        try (TreeWalk tree = new TreeWalk(repo)) {
            tree.addTree(revCommit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                if ((tree.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE
                        || tree.getPathString().equals(RESULTS)) {
                    continue;
                }
                ObjectLoader blob = repo.open(tree.getObjectId(0));
                byte[] bytes = blob.getSize() > SourceValues.MAX_FILE_BYTES ? null : blob.getBytes();
                if (bytes == null || SourceValues.binary(bytes)) {
                    left.add(tree.getPathString());
                    leftOut.merge(tree.getPathString(), 1, Integer::sum);
                    continue;
                }
                files.put(tree.getPathString(), bytes);
            }
        }
        String what = "commit " + revCommit.name() + (left.isEmpty() ? ""
                : " (left out of the recipe tree, binary or too big: " + String.join(", ", left) + ")");
        return new Code(files.isEmpty() ? null : files, Instant.ofEpochSecond(revCommit.getCommitTime()), revCommit,
                what);
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

    /**
     * The run's branch: {@code --branch} (also as the old tag of {@code autoresearch/<tag>}), else the only branch
     * besides the default (main, master, or origin's HEAD), local or remote, else the checked-out one of several.
     */
    private static Branch branch(Repository repo, Path dir, String wanted) throws IOException {
        Map<String, Ref> byName = new TreeMap<>();
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix("refs/remotes/")) {
            String name = ref.getName().substring("refs/remotes/".length());
            int slash = name.indexOf('/');
            if (slash > 0 && !ref.isSymbolic() && !name.endsWith("/HEAD")) {
                byName.putIfAbsent(name.substring(slash + 1), ref);
            }
        }
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix("refs/heads/")) {
            byName.put(ref.getName().substring("refs/heads/".length()), ref);
        }
        Set<String> defaults = new java.util.HashSet<>(DEFAULT_NAMES);
        Ref originHead = repo.exactRef("refs/remotes/origin/HEAD");
        if (originHead != null && originHead.isSymbolic()) {
            defaults.add(originHead.getTarget().getName().replaceFirst("^refs/remotes/origin/", ""));
        }
        Ref start = defaults.stream().sorted().map(byName::get).filter(java.util.Objects::nonNull).findFirst()
                .orElse(null);
        if (wanted != null) {
            String name = wanted.replaceFirst("^refs/heads/", "");
            for (String candidate : List.of(name, LEGACY_PREFIX + name)) {
                if (byName.containsKey(candidate)) {
                    return new Branch(candidate, byName.get(candidate), start);
                }
            }
            throw new ImportException(dir + " has no branch " + wanted + "; its branches are " + byName.keySet()
                    + "; pass one of those with --branch");
        }
        List<String> runs = byName.keySet().stream().filter(n -> !defaults.contains(n)).toList();
        if (runs.size() == 1) {
            return new Branch(runs.get(0), byName.get(runs.get(0)), start);
        }
        if (runs.isEmpty()) {
            throw new ImportException(dir + " has no branch besides " + byName.keySet() + "; autoresearch runs on a"
                    + " branch of its own: fetch it, or pass the branch that holds the run with --branch NAME");
        }
        String current = repo.getFullBranch();
        if (current != null && current.startsWith("refs/heads/")
                && runs.contains(current.substring("refs/heads/".length()))) {
            String name = current.substring("refs/heads/".length());
            return new Branch(name, byName.get(name), start);
        }
        throw new ImportException(dir + " has several branches besides the default " + runs
                + " and none is checked out; pass the run's branch with --branch NAME");
    }
}
