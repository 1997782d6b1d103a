package dev.looplab.lineage;

import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.TrialStatus;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The lineage's shape in memory: a node per trial, linked to its parent and children (oldest first), with its depth,
 * reachable by trial id and by commit. {@link TrialIndex} keeps it in step with git; not thread-safe.
 */
final class TrialTree {

    private static final Comparator<Node> OLDEST_FIRST =
            Comparator.comparingInt((Node n) -> n.commitTime).thenComparing(n -> n.id);

    /** One trial; mutable only while the tree links it in or its outcome is read. */
    static final class Node {
        final String id;
        final ObjectId commit;
        final ObjectId parentCommit;
        final String specialist;
        final int commitTime;
        Node parent;
        List<Node> children = List.of();
        int depth = -1;
        TrialStatus status;
        Double score;
        // False until status and score reflect the notes tree the index last saw.
        boolean outcomeKnown;
        // Rows are immutable and handed out by the thousand: one per node until its depth or outcome changes.
        private TrialNode row;
        // Commits never change, so neither does their TrialInfo; soft, so a long chain read once can be dropped.
        private SoftReference<TrialInfo> info;

        Node(String id, ObjectId commit, ObjectId parentCommit, String specialist, int commitTime) {
            this.id = id;
            this.commit = commit;
            this.parentCommit = parentCommit;
            this.specialist = specialist;
            this.commitTime = commitTime;
        }

        /** The node of a trial's commit, its outcome not read yet. */
        static Node of(String trialId, RevCommit commit) {
            return new Node(trialId, commit.copy(), commit.getParentCount() == 0 ? null : commit.getParent(0).copy(),
                    trailer(commit.getFullMessage(), CommitMessages.SPECIALIST), commit.getCommitTime());
        }

        // A plain scan instead of FooterLine: the index reads every commit once, so this is its hottest line.
        private static String trailer(String message, String key) {
            int at = message.lastIndexOf("\n" + key + ": ");
            if (at < 0) {
                return null;
            }
            int start = at + key.length() + 3;
            int end = message.indexOf('\n', start);
            return (end < 0 ? message.substring(start) : message.substring(start, end)).strip();
        }

        TrialNode row() {
            if (row == null) {
                row = new TrialNode(id, commit.name(), parent == null ? null : parent.id, depth, specialist, status,
                        score);
            }
            return row;
        }

        /** Status and score from the outcome note ({@link OutcomeNote#summary}). */
        void readOutcome(String note) {
            row = null;
            OutcomeNote.Summary summary = OutcomeNote.summary(note);
            status = summary.status();
            score = summary.score();
        }

        void clearOutcome() {
            row = null;
            status = null;
            score = null;
        }

        /** The trial's full commit message as TrialInfo, read through {@code reader} once and then cached. */
        TrialInfo info(ObjectReader reader) throws IOException {
            TrialInfo cached = info == null ? null : info.get();
            if (cached == null) {
                cached = CommitMessages.info(commit, reader.open(commit, Constants.OBJ_COMMIT).getCachedBytes());
                info = new SoftReference<>(cached);
            }
            return cached;
        }
    }

    private Map<String, Node> byId = new HashMap<>();
    private Map<ObjectId, Node> byCommit = new HashMap<>();
    private final List<Node> orphans = new ArrayList<>();

    Node get(String trialId) {
        return byId.get(trialId);
    }

    Node at(ObjectId commit) {
        return byCommit.get(commit);
    }

    boolean contains(String trialId) {
        return byId.containsKey(trialId);
    }

    int size() {
        return byId.size();
    }

    Collection<Node> nodes() {
        return byId.values();
    }

    /** Empties the tree, sized for {@code trials} to come: growing a map to 100,000 trials rehashes it some fifteen times. */
    void clear(int trials) {
        byId = new HashMap<>(trials * 4 / 3 + 16);
        byCommit = new HashMap<>(trials * 4 / 3 + 16);
        orphans.clear();
    }

    /** Adds a node; {@link #link} then places it. */
    void put(Node node) {
        byId.put(node.id, node);
        byCommit.put(node.commit, node);
    }

    /** Links added nodes under their parents, and earlier orphans whose parent has come; sets depths. */
    void link(List<Node> added) {
        List<Node> linking = new ArrayList<>(added);
        // Trials whose parent was not seen yet (another writer's, or outside the trial refs) may link now.
        List<Node> waiting = new ArrayList<>(orphans);
        linking.addAll(waiting);
        orphans.clear();
        for (Node node : linking) {
            if (node.parentCommit == null) {
                continue;
            }
            Node parent = byCommit.get(node.parentCommit);
            if (parent == null) {
                // Until its parent shows up (or for hand-made history, forever) the trial shows as its own root.
                orphans.add(node);
                continue;
            }
            node.parent = parent;
            node.row = null;
            if (parent.children.isEmpty()) {
                parent.children = new ArrayList<>(2);
            }
            parent.children.add(node);
        }
        for (Node node : waiting) {
            if (node.parent != null) {
                // It counted as a root so far: its whole subtree sits deeper now.
                subtree(node).forEach(below -> {
                    below.depth = -1;
                    below.row = null;
                });
            }
        }
        // Each parent once: sorting per added child costs quadratic time under a trial with many children.
        Set<Node> parents = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node node : linking) {
            if (node.parent != null && node.parent.children.size() > 1 && parents.add(node.parent)) {
                node.parent.children.sort(OLDEST_FIRST);
            }
        }
        for (Node node : added) {
            depthOf(node);
        }
        for (Node node : waiting) {
            subtree(node).forEach(TrialTree::depthOf);
        }
    }

    private static int depthOf(Node node) {
        ArrayDeque<Node> unknown = new ArrayDeque<>();
        Node at = node;
        while (at != null && at.depth < 0) {
            unknown.push(at);
            at = at.parent;
        }
        int depth = at == null ? -1 : at.depth;
        while (!unknown.isEmpty()) {
            unknown.pop().depth = ++depth;
        }
        return node.depth;
    }

    /** The trial's ancestors and itself, root first. */
    List<Node> chain(Node node) {
        List<Node> chain = new ArrayList<>(node.depth + 1);
        for (Node at = node; at != null; at = at.parent) {
            chain.add(at);
        }
        Collections.reverse(chain);
        return chain;
    }

    /** The trial and everything below it, depth first, children oldest first. */
    List<Node> subtree(Node top) {
        List<Node> rows = new ArrayList<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(top);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            rows.add(node);
            for (int i = node.children.size() - 1; i >= 0; i--) {
                stack.push(node.children.get(i));
            }
        }
        return rows;
    }

    /** Every root (the task's baseline, and any trial whose parent commit is not a trial) with its subtree. */
    List<Node> all() {
        List<Node> roots = new ArrayList<>();
        for (Node node : byId.values()) {
            if (node.parent == null) {
                roots.add(node);
            }
        }
        roots.sort(OLDEST_FIRST);
        List<Node> rows = new ArrayList<>(byId.size());
        for (Node root : roots) {
            rows.addAll(subtree(root));
        }
        return rows;
    }
}
