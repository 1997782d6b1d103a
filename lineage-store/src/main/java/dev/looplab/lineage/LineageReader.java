package dev.looplab.lineage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The read side of a lineage: trials and their files, the tree's shape (children, chains, subtrees, rows) from the
 * {@link TrialIndex}, and unified diffs between trials' recipes.
 */
final class LineageReader {

    private static final int CONTEXT_LINES = 3;

    private final LineageRepository lineage;
    private final Repository git;
    private final TrialIndex index;

    LineageReader(LineageRepository lineage, TrialIndex index) {
        this.lineage = lineage;
        this.git = lineage.git;
        this.index = index;
    }

    // ---------------------------------------------------------------- trials and the tree

    Optional<TrialInfo> readTrial(String trialId) {
        Ids.requireId("trialId", trialId);
        return lineage.io("read trial " + trialId, () -> {
            Ref ref = git.exactRef(LineageStore.TRIAL_REFS + trialId);
            if (ref == null) {
                return Optional.<TrialInfo>empty();
            }
            try (RevWalk walk = new RevWalk(git)) {
                return Optional.of(info(walk.parseCommit(ref.getObjectId())));
            }
        });
    }

    List<TrialInfo> listTrials() {
        return lineage.io("list trials", () -> {
            List<RevCommit> commits = new ArrayList<>();
            try (RevWalk walk = new RevWalk(git)) {
                for (Ref ref : git.getRefDatabase().getRefsByPrefix(LineageStore.TRIAL_REFS)) {
                    commits.add(walk.parseCommit(ref.getObjectId()));
                }
                List<TrialInfo> infos = new ArrayList<>();
                commits.stream()
                        .sorted(Comparator.comparingInt(RevCommit::getCommitTime)
                                .thenComparing(c -> String.valueOf(LineageRepository.trailer(c, CommitMessages.TRIAL))))
                        .forEach(c -> infos.add(info(c)));
                return infos;
            }
        });
    }

    List<TrialInfo> children(String trialId) {
        return lineage.io("list children of trial " + trialId, () -> {
            synchronized (index) {
                return index.infos(indexed(trialId, false).children);
            }
        });
    }

    List<TrialInfo> chainToRoot(String trialId) {
        return lineage.io("walk trial " + trialId + " to the root", () -> {
            synchronized (index) {
                return index.infos(index.tree().chain(indexed(trialId, false)));
            }
        });
    }

    List<TrialNode> chainRows(String trialId) {
        return lineage.io("walk trial " + trialId + " to the root", () -> {
            synchronized (index) {
                return rows(index.tree().chain(indexed(trialId, true)));
            }
        });
    }

    List<TrialNode> subtreeRows(String trialId) {
        return lineage.io("read the subtree of trial " + trialId, () -> {
            synchronized (index) {
                return rows(index.tree().subtree(indexed(trialId, true)));
            }
        });
    }

    List<TrialNode> treeRows() {
        return lineage.io("read the trial tree", () -> {
            synchronized (index) {
                index.refreshWithOutcomes();
                return rows(index.tree().all());
            }
        });
    }

    private TrialTree.Node indexed(String trialId, boolean withOutcomes) throws IOException {
        Ids.requireId("trialId", trialId);
        synchronized (index) {
            if (withOutcomes) {
                index.refreshWithOutcomes();
            } else {
                index.refresh();
            }
            TrialTree.Node node = index.get(trialId);
            if (node == null) {
                try (RevWalk walk = new RevWalk(git)) {
                    lineage.trial(walk, trialId, "trial");
                }
                throw new IllegalStateException("trial " + trialId + " has a ref but is missing from the index");
            }
            return node;
        }
    }

    private static List<TrialNode> rows(List<TrialTree.Node> nodes) {
        List<TrialNode> rows = new ArrayList<>(nodes.size());
        for (TrialTree.Node node : nodes) {
            rows.add(node.row());
        }
        return rows;
    }

    private static TrialInfo info(RevCommit commit) {
        return CommitMessages.info(commit.name(), commit.getFullMessage());
    }

    // ---------------------------------------------------------------- files

    String readFile(String trialId, String path) {
        return lineage.io("read " + path + " of trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(git)) {
                RevCommit commit = lineage.trial(walk, trialId, "trial");
                try (TreeWalk file = TreeWalk.forPath(git, path, commit.getTree())) {
                    if (file == null || (file.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                        throw new NoSuchTrialFileException("trial " + trialId + " has no file '" + path
                                + "'; list its files with readFiles(\"" + trialId + "\")");
                    }
                    return new String(git.open(file.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                }
            }
        });
    }

    Map<String, String> readFiles(String trialId) {
        return lineage.io("read the files of trial " + trialId, () -> {
            Map<String, String> files = new TreeMap<>();
            try (RevWalk walk = new RevWalk(git); TreeWalk tree = new TreeWalk(git)) {
                tree.addTree(lineage.trial(walk, trialId, "trial").getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    if ((tree.getRawMode(0) & FileMode.TYPE_MASK) == FileMode.TYPE_FILE) {
                        files.put(tree.getPathString(),
                                new String(git.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            return Collections.unmodifiableMap(files);
        });
    }

    // ---------------------------------------------------------------- diffs

    String diffAgainstParent(String trialId) {
        return lineage.io("diff trial " + trialId + " against its parent", () -> {
            try (RevWalk walk = new RevWalk(git)) {
                RevCommit commit = lineage.trial(walk, trialId, "trial");
                AnyObjectId parentTree = commit.getParentCount() == 0 ? null
                        : walk.parseCommit(commit.getParent(0)).getTree();
                return formatDiff(parentTree, commit.getTree());
            }
        });
    }

    String diffAgainstBest(String campaign, String trialId) {
        Ids.requireId("campaign", campaign);
        return lineage.io("diff trial " + trialId + " against the best of campaign " + campaign, () -> {
            try (RevWalk walk = new RevWalk(git)) {
                RevCommit commit = lineage.trial(walk, trialId, "trial");
                Ref best = git.exactRef(LineageStore.BEST_REFS + campaign);
                if (best == null) {
                    throw new LineageException("campaign " + campaign + " has no best trial yet (no "
                            + LineageStore.BEST_REFS + campaign
                            + "); diff against the parent (diffAgainstParent) until a trial is kept");
                }
                return formatDiff(walk.parseCommit(best.getObjectId()).getTree(), commit.getTree());
            }
        });
    }

    String diffBetween(String fromTrialId, String toTrialId) {
        return lineage.io("diff trial " + toTrialId + " against trial " + fromTrialId, () -> {
            try (RevWalk walk = new RevWalk(git)) {
                RevCommit from = lineage.trial(walk, fromTrialId, "trial");
                RevCommit to = lineage.trial(walk, toTrialId, "trial");
                return formatDiff(from.getTree(), to.getTree());
            }
        });
    }

    private String formatDiff(AnyObjectId fromTree, AnyObjectId toTree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.setRepository(git);
            formatter.setDiffAlgorithm(DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM));
            formatter.setDiffComparator(RawTextComparator.DEFAULT);
            formatter.setContext(CONTEXT_LINES);
            formatter.format(fromTree, toTree);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
