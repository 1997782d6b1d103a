package dev.looplab.lineage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * An in-memory cache of the lineage's shape (parent links, depth, specialist, outcome status and score) so
 * chains and subtrees read in microseconds per trial. Git stays the source of truth: trial refs are only ever
 * created and commits never change, so the cache only misses new trials; {@link #refresh} finds them from the
 * packed-refs file's identity and the loose trial refs, and new outcomes by diffing the notes tree it last saw.
 * Not thread-safe; the store calls it under its own lock.
 */
final class TrialIndex {

    // Below this many commits a cold load is quick enough that a saved copy is not worth a file.
    static final int SAVE_AFTER_PARSING = 1_000;
    private static final Pattern JSON_STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern JSON_SCORE = Pattern.compile("\"score\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)");
    private static final Pattern TEXT_STATUS = Pattern.compile("(?m)^status:\\s*(\\S+)");
    private static final Comparator<Node> OLDEST_FIRST =
            Comparator.comparingInt((Node n) -> n.commitTime).thenComparing(n -> n.id);

    /** One trial; mutable only while the index links it in. */
    static final class Node {
        final String id;
        final ObjectId commit;
        final ObjectId parentCommit;
        final String specialist;
        final int commitTime;
        Node parent;
        List<Node> children = List.of();
        int depth = -1;
        String status;
        Double score;
        // Rows are immutable and handed out by the thousand: one per node until its depth or outcome changes.
        private TrialNode row;

        Node(String id, ObjectId commit, ObjectId parentCommit, String specialist, int commitTime) {
            this.id = id;
            this.commit = commit;
            this.parentCommit = parentCommit;
            this.specialist = specialist;
            this.commitTime = commitTime;
        }

        TrialNode row() {
            if (row == null) {
                row = new TrialNode(id, commit.name(), parent == null ? null : parent.id, depth, specialist, status,
                        score);
            }
            return row;
        }
    }

    private final Repository repo;
    private final Path looseTrialRefs;
    private final Path packedRefs;
    private final Map<String, Node> byId = new HashMap<>();
    private final Map<ObjectId, Node> byCommit = new HashMap<>();
    private final List<Node> orphans = new ArrayList<>();
    private final Path savedIndex;
    private int savedSize;
    private Object packedRefsSeen = "never read";
    private ObjectId notesTreeSeen;
    private boolean outcomesLoaded;

    TrialIndex(Repository repo, Path gitDir) {
        this.repo = repo;
        this.looseTrialRefs = gitDir.resolve(LineageStore.TRIAL_REFS);
        this.packedRefs = gitDir.resolve(Constants.PACKED_REFS);
        this.savedIndex = gitDir.resolve("looplab-trial-index");
    }

    Node get(String trialId) {
        return byId.get(trialId);
    }

    int size() {
        return byId.size();
    }

    /** Catches up with trials recorded since the last call, by this or any other writer. */
    void refresh() throws IOException {
        Object packed = identity(packedRefs);
        List<Ref> unseen = new ArrayList<>();
        if (!packed.equals(packedRefsSeen)) {
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(LineageStore.TRIAL_REFS)) {
                if (!byId.containsKey(ref.getName().substring(LineageStore.TRIAL_REFS.length()))) {
                    unseen.add(ref);
                }
            }
            packedRefsSeen = packed;
        } else {
            for (String name : looseNames()) {
                if (!byId.containsKey(name)) {
                    Ref ref = repo.exactRef(LineageStore.TRIAL_REFS + name);
                    if (ref != null) {
                        unseen.add(ref);
                    }
                }
            }
        }
        if (!unseen.isEmpty()) {
            add(unseen);
        }
        if (outcomesLoaded) {
            refreshOutcomes();
        }
    }

    /** Like {@link #refresh}, and also reads outcome notes from now on (the first time: all of them). */
    void refreshWithOutcomes() throws IOException {
        refresh();
        if (!outcomesLoaded) {
            outcomesLoaded = true;
            refreshOutcomes();
        }
    }

    /** Records a trial this store just created; only worth it once the index is loaded. */
    void added(String trialId, RevCommit commit) throws IOException {
        if (!byId.containsKey(trialId)) {
            Node node = node(trialId, commit);
            byId.put(node.id, node);
            byCommit.put(node.commit, node);
            link(List.of(node));
        }
    }

    private void add(List<Ref> refs) throws IOException {
        List<Node> added = new ArrayList<>(refs.size());
        Map<String, Node> saved = byId.isEmpty() ? readSaved() : Map.of();
        int parsed = 0;
        try (RevWalk walk = new RevWalk(repo)) {
            for (Ref ref : refs) {
                if (ref.getObjectId() == null) {
                    continue;
                }
                String trialId = ref.getName().substring(LineageStore.TRIAL_REFS.length());
                Node node = saved.get(trialId);
                // The saved line only stands in for the commit git names now; anything else is parsed afresh.
                if (node == null || !node.commit.equals(ref.getObjectId())) {
                    node = node(trialId, walk.parseCommit(ref.getObjectId()));
                    parsed++;
                }
                byId.put(node.id, node);
                byCommit.put(node.commit, node);
                added.add(node);
            }
        }
        link(added);
        if (parsed >= SAVE_AFTER_PARSING) {
            save();
        }
    }

    // ---------------------------------------------------------------- saved copy

    /**
     * Writes what a cold load would have to parse from every commit to {@code looplab-trial-index} in the
     * repository folder (git ignores it, clones do not carry it); a line is used only while the trial's ref
     * still names the same commit.
     */
    void save() throws IOException {
        StringBuilder lines = new StringBuilder(byId.size() * 120);
        for (Node node : byId.values()) {
            lines.append(node.id).append(' ').append(node.commit.name()).append(' ')
                    .append(node.parentCommit == null ? "-" : node.parentCommit.name()).append(' ')
                    .append(node.commitTime).append(' ').append(node.specialist == null ? "-" : node.specialist)
                    .append('\n');
        }
        Path temporary = Files.createTempFile(savedIndex.getParent(), "looplab-trial-index", ".tmp");
        try {
            Files.writeString(temporary, lines, StandardCharsets.UTF_8);
            Files.move(temporary, savedIndex, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        savedSize = byId.size();
    }

    /** True when trials were added since the saved copy was written (or none was). */
    boolean unsaved() {
        return byId.size() >= SAVE_AFTER_PARSING && byId.size() != savedSize;
    }

    private Map<String, Node> readSaved() {
        Map<String, Node> saved = new HashMap<>();
        try {
            for (String line : Files.readAllLines(savedIndex, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ", 5);
                if (f.length == 5 && ObjectId.isId(f[1]) && (f[2].equals("-") || ObjectId.isId(f[2]))) {
                    saved.put(f[0], new Node(f[0], ObjectId.fromString(f[1]),
                            f[2].equals("-") ? null : ObjectId.fromString(f[2]), f[4].equals("-") ? null : f[4],
                            Integer.parseInt(f[3])));
                }
            }
        } catch (NoSuchFileException e) {
            return saved;
        } catch (IOException | RuntimeException e) {
            // A damaged copy only costs the parse it would have saved.
            return new HashMap<>();
        }
        return saved;
    }

    private static Node node(String trialId, RevCommit commit) {
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

    private void link(List<Node> added) {
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
        for (Node node : linking) {
            if (node.parent != null && node.parent.children.size() > 1) {
                node.parent.children.sort(OLDEST_FIRST);
            }
        }
        for (Node node : added) {
            depthOf(node);
        }
        for (Node node : waiting) {
            subtree(node).forEach(TrialIndex::depthOf);
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
        java.util.Collections.reverse(chain);
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

    // ---------------------------------------------------------------- outcomes

    private void refreshOutcomes() throws IOException {
        Ref notesRef = repo.exactRef(LineageStore.OUTCOME_NOTES);
        if (notesRef == null) {
            return;
        }
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            ObjectId notesTree = walk.parseCommit(notesRef.getObjectId()).getTree().copy();
            if (notesTree.equals(notesTreeSeen)) {
                return;
            }
            ObjectReader reader = walk.getObjectReader();
            // Diffing against the tree seen last visits only the fanout folders that changed.
            if (notesTreeSeen == null) {
                tree.addTree(notesTree);
            } else {
                tree.addTree(notesTreeSeen);
                tree.addTree(notesTree);
                tree.setFilter(TreeFilter.ANY_DIFF);
            }
            int latest = tree.getTreeCount() - 1;
            tree.setRecursive(true);
            while (tree.next()) {
                String hex = tree.getPathString().replace("/", "");
                if (hex.length() != Constants.OBJECT_ID_STRING_LENGTH || !ObjectId.isId(hex)) {
                    continue;
                }
                Node node = byCommit.get(ObjectId.fromString(hex));
                if (node == null) {
                    continue;
                }
                ObjectId blob = tree.getObjectId(latest);
                if (blob.equals(ObjectId.zeroId())) {
                    node.row = null;
                    node.status = null;
                    node.score = null;
                } else {
                    readOutcome(node, new String(reader.open(blob).getBytes(), StandardCharsets.UTF_8));
                }
            }
            notesTreeSeen = notesTree;
        }
    }

    /** Status and score from the note's JSON block, else a {@code status:} line of its text. */
    static void readOutcome(Node node, String note) {
        node.row = null;
        int json = note.indexOf("```json");
        String block = json < 0 ? "" : note.substring(json);
        Matcher status = JSON_STATUS.matcher(block);
        if (status.find()) {
            node.status = status.group(1);
        } else {
            Matcher text = TEXT_STATUS.matcher(note);
            node.status = text.find() ? text.group(1) : null;
        }
        Matcher score = JSON_SCORE.matcher(block);
        try {
            node.score = score.find() ? Double.valueOf(score.group(1)) : null;
        } catch (NumberFormatException e) {
            node.score = null;
        }
    }

    // ---------------------------------------------------------------- freshness

    private List<String> looseNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(looseTrialRefs)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.endsWith(".lock")) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return names;
        }
        return names;
    }

    /** Loose trial ref names, for packing. */
    List<String> looseTrialRefs() throws IOException {
        return looseNames();
    }

    // packed-refs is only ever replaced by renaming a new file over it: inode, size and time change together.
    private static Object identity(Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(Objects.requireNonNullElse(attributes.fileKey(), ""), attributes.size(),
                    attributes.lastModifiedTime());
        } catch (NoSuchFileException e) {
            return "absent";
        }
    }
}
