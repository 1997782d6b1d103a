package dev.looplab.lineage;

import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.TrialStatus;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.ref.SoftReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * An in-memory cache of the lineage's shape (parent links, depth, specialist, outcome status and score) so
 * chains and subtrees read in microseconds per trial. Git stays the source of truth: trial refs are only ever
 * created and commits never change, so the cache only misses new trials; {@link #refresh} finds them from the
 * packed-refs file's identity and the loose trial refs, and new outcomes by diffing the notes tree it last saw.
 * The first refresh starts from the saved copy ({@link TrialIndexFile}) when there is a sound one. Not
 * thread-safe; the store calls it under its own lock.
 */
final class TrialIndex {

    private static final System.Logger LOG = System.getLogger(TrialIndex.class.getName());
    // Below this many commits and notes parsed a cold load is quick enough that a saved copy is not worth a file.
    static final int SAVE_AFTER_PARSING = 1_000;
    // Saved lines compared with their commit and note on every load: catches a systematically wrong copy cheaply.
    static final int SPOT_CHECKS = 32;
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
    private Map<String, Node> byId = new HashMap<>();
    private Map<ObjectId, Node> byCommit = new HashMap<>();
    private final List<Node> orphans = new ArrayList<>();
    // Trials whose outcome is not read yet (new since the notes tree seen last); looked up one by one.
    private final List<Node> outcomePending = new ArrayList<>();
    private final TrialIndexFile savedCopy;
    private final int saveAfterParsing;
    private boolean changedSinceSave;
    private int parsedSinceSave;
    private Object packedRefsSeen = "never read";
    // Null: outcomes never read; zeroId: there was no notes ref; else the notes tree known outcomes reflect.
    private ObjectId notesTreeSeen;
    private ObjectId notesCommitSeen;
    private boolean outcomesLoaded;

    TrialIndex(Repository repo, Path gitDir) {
        this(repo, gitDir, SAVE_AFTER_PARSING);
    }

    TrialIndex(Repository repo, Path gitDir, int saveAfterParsing) {
        this.repo = repo;
        this.looseTrialRefs = gitDir.resolve(LineageStore.TRIAL_REFS);
        this.packedRefs = gitDir.resolve(Constants.PACKED_REFS);
        this.savedCopy = new TrialIndexFile(gitDir);
        this.saveAfterParsing = saveAfterParsing;
    }

    Node get(String trialId) {
        return byId.get(trialId);
    }

    int size() {
        return byId.size();
    }

    /** Catches up with trials recorded since the last call, by this or any other writer. */
    void refresh() throws IOException {
        refresh(false);
    }

    /** Like {@link #refresh}, and also keeps outcome notes read from now on. */
    void refreshWithOutcomes() throws IOException {
        refresh(true);
    }

    private void refresh(boolean withOutcomes) throws IOException {
        refreshTrials();
        outcomesLoaded |= withOutcomes;
        if (outcomesLoaded) {
            refreshOutcomes();
        }
        if (parsedSinceSave >= saveAfterParsing) {
            save();
        }
    }

    private void refreshTrials() throws IOException {
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
        if (byId.isEmpty()) {
            load(unseen);
        } else if (!unseen.isEmpty()) {
            add(unseen, Map.of());
        }
    }

    /** Records a trial this store just created; only worth it once the index is loaded. */
    void added(String trialId, RevCommit commit) throws IOException {
        if (!byId.containsKey(trialId)) {
            Node node = node(trialId, commit);
            byId.put(node.id, node);
            byCommit.put(node.commit, node);
            outcomePending.add(node);
            changedSinceSave = true;
            link(List.of(node));
        }
    }

    /** Adds the trials the refs name; a saved line stands in for its commit only while the ref names that commit. */
    private int add(List<Ref> refs, Map<String, Node> saved) throws IOException {
        List<Node> added = new ArrayList<>(refs.size());
        int parsed = 0;
        try (RevWalk walk = new RevWalk(repo)) {
            for (Ref ref : refs) {
                if (ref.getObjectId() == null) {
                    continue;
                }
                String trialId = ref.getName().substring(LineageStore.TRIAL_REFS.length());
                Node node = saved.get(trialId);
                if (node == null || !node.commit.equals(ref.getObjectId())) {
                    node = node(trialId, walk.parseCommit(ref.getObjectId()));
                    parsed++;
                }
                if (!node.outcomeKnown) {
                    outcomePending.add(node);
                }
                byId.put(node.id, node);
                byCommit.put(node.commit, node);
                added.add(node);
            }
        }
        link(added);
        parsedSinceSave += parsed;
        changedSinceSave |= !added.isEmpty();
        return parsed;
    }

    // ---------------------------------------------------------------- saved copy

    /**
     * The first load: starts from the saved copy when it is sound, parsing only the commits it lacks, and falls
     * back to parsing every commit (saying why) when the copy is damaged or disagrees with git.
     */
    private void load(List<Ref> refs) throws IOException {
        long start = System.nanoTime();
        // Sized once: growing a map to 100,000 trials rehashes it some fifteen times.
        byId = new HashMap<>(refs.size() * 4 / 3 + 16);
        byCommit = new HashMap<>(refs.size() * 4 / 3 + 16);
        TrialIndexFile.Saved saved = null;
        try {
            saved = savedCopy.read();
        } catch (TrialIndexFile.DamagedException e) {
            LOG.log(Level.WARNING, e.getMessage() + "; rebuilding it from git");
        }
        if (saved == null) {
            int parsed = add(refs, Map.of());
            // Small lineages load in milliseconds; only a big cold load is worth a line in the log.
            LOG.log(parsed >= SAVE_AFTER_PARSING ? Level.INFO : Level.DEBUG, () -> String.format(Locale.ROOT,
                    "trial index of %s built from git: %d commits parsed in %d ms", repo.getDirectory(), parsed,
                    (System.nanoTime() - start) / 1_000_000));
            return;
        }
        int parsed = add(refs, saved.nodes());
        String disagreement = spotCheck(saved);
        if (disagreement == null && saved.notesTree() != null && !saved.notesTree().equals(ObjectId.zeroId())
                && !repo.getObjectDatabase().has(saved.notesTree())) {
            disagreement = "its outcomes reflect notes tree " + saved.notesTree().name()
                    + ", which is not in the repository";
        }
        if (disagreement != null) {
            LOG.log(Level.WARNING, "saved trial index " + savedCopy.path() + " disagrees with git: "
                    + disagreement + "; rebuilding it from git");
            clear();
            parsed = add(refs, Map.of());
            saved = null;
        } else {
            notesTreeSeen = saved.notesTree();
            notesCommitSeen = saved.notesCommit();
            // Trials the saved copy had, with the same commits, and no new ones: saving again would write the same.
            changedSinceSave = parsed > 0 || saved.nodes().size() != byId.size();
        }
        LOG.log(Level.INFO, String.format(Locale.ROOT,
                "trial index of %s loaded: %d trials, %d commits parsed, %s in %d ms", repo.getDirectory(),
                byId.size(), parsed, saved == null ? "rebuilt from git" : "rest from the saved copy",
                (System.nanoTime() - start) / 1_000_000));
    }

    /** Compares a sample of the saved lines with their commits and notes; the first difference, or null. */
    private String spotCheck(TrialIndexFile.Saved saved) throws IOException {
        List<Node> sample = new ArrayList<>();
        for (Node node : saved.nodes().values()) {
            if (byId.get(node.id) == node) {
                sample.add(node);
            }
        }
        Collections.shuffle(sample);
        sample = sample.subList(0, Math.min(SPOT_CHECKS, sample.size()));
        try (RevWalk walk = new RevWalk(repo)) {
            boolean notes = saved.notesTree() != null && !saved.notesTree().equals(ObjectId.zeroId());
            NoteMap savedNotes = notes ? NoteMap.readTree(walk.getObjectReader(), saved.notesTree()) : null;
            for (Node node : sample) {
                Node fromGit = node(node.id, walk.parseCommit(node.commit));
                if (!Objects.equals(fromGit.parentCommit, node.parentCommit) || fromGit.commitTime != node.commitTime
                        || !Objects.equals(fromGit.specialist, node.specialist)) {
                    return "trial " + node.id + " has another parent, time or specialist in its commit "
                            + node.commit.name();
                }
                if (node.outcomeKnown) {
                    Note note = savedNotes == null ? null : savedNotes.getNote(node.commit);
                    if (note != null) {
                        readOutcome(fromGit, new String(walk.getObjectReader().open(note.getData()).getBytes(),
                                StandardCharsets.UTF_8));
                    }
                    if (!Objects.equals(fromGit.status, node.status) || !Objects.equals(fromGit.score, node.score)) {
                        return "trial " + node.id + " is saved as " + node.status + " " + node.score
                                + " but its outcome note says " + fromGit.status + " " + fromGit.score;
                    }
                }
            }
        } catch (MissingObjectException e) {
            return "object " + e.getObjectId().name() + " it names is not in the repository";
        }
        return null;
    }

    private void clear() {
        byId.clear();
        byCommit.clear();
        orphans.clear();
        outcomePending.clear();
        parsedSinceSave = 0;
        notesTreeSeen = null;
        notesCommitSeen = null;
    }

    /**
     * Writes what a cold load would have to parse (every trial's commit facts and outcome, and the notes tree the
     * outcomes reflect) to {@code looplab-trial-index}; see {@link TrialIndexFile}.
     */
    void save() throws IOException {
        savedCopy.write(notesCommitSeen, notesTreeSeen, byId.values());
        changedSinceSave = false;
        parsedSinceSave = 0;
    }

    /** True when the index changed since the saved copy was written (or none was) and is big enough to save. */
    boolean unsaved() {
        return byId.size() >= saveAfterParsing && changedSinceSave;
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

    /** The trials' full commit messages as TrialInfo, each commit read once through one reader and then cached. */
    List<TrialInfo> infos(List<Node> nodes) throws IOException {
        List<TrialInfo> infos = new ArrayList<>(nodes.size());
        try (ObjectReader reader = repo.newObjectReader()) {
            for (Node node : nodes) {
                TrialInfo info = node.info == null ? null : node.info.get();
                if (info == null) {
                    info = CommitMessages.info(node.commit, reader.open(node.commit, Constants.OBJ_COMMIT).getCachedBytes());
                    node.info = new SoftReference<>(info);
                }
                infos.add(info);
            }
        }
        return infos;
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

    // ---------------------------------------------------------------- outcomes

    private void refreshOutcomes() throws IOException {
        Ref notesRef = repo.exactRef(LineageStore.OUTCOME_NOTES);
        if (notesRef == null) {
            if (!ObjectId.zeroId().equals(notesTreeSeen)) {
                // No notes (yet, or deleted by hand): no trial has an outcome.
                for (Node node : byId.values()) {
                    setOutcome(node, null);
                }
                notesTreeSeen = ObjectId.zeroId();
                notesCommitSeen = null;
            }
            outcomePending.clear();
            return;
        }
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            ObjectReader reader = walk.getObjectReader();
            RevCommit notesCommit = walk.parseCommit(notesRef.getObjectId());
            ObjectId notesTree = notesCommit.getTree().copy();
            boolean readAll = notesTreeSeen == null || outcomePending.size() > Math.max(saveAfterParsing, byId.size() / 8);
            if (readAll) {
                for (Node node : byId.values()) {
                    setOutcome(node, null);
                }
                tree.addTree(notesTree);
            } else if (!notesTree.equals(notesTreeSeen)) {
                // Diffing against the tree seen last visits only the fanout folders that changed.
                if (notesTreeSeen.equals(ObjectId.zeroId())) {
                    tree.addTree(new EmptyTreeIterator());
                } else {
                    tree.addTree(notesTreeSeen);
                }
                tree.addTree(notesTree);
                tree.setFilter(TreeFilter.ANY_DIFF);
            }
            int parsed = 0;
            if (tree.getTreeCount() > 0) {
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
                    setOutcome(node, blob.equals(ObjectId.zeroId()) ? null
                            : new String(reader.open(blob).getBytes(), StandardCharsets.UTF_8));
                    parsed++;
                }
            }
            // Trials new since the last look whose notes did not change meanwhile: their note, if any, is in the tree.
            NoteMap notes = null;
            for (Node node : outcomePending) {
                if (!node.outcomeKnown) {
                    notes = notes == null ? NoteMap.read(reader, notesCommit) : notes;
                    Note note = notes.getNote(node.commit);
                    setOutcome(node, note == null ? null
                            : new String(reader.open(note.getData()).getBytes(), StandardCharsets.UTF_8));
                    parsed++;
                }
            }
            outcomePending.clear();
            parsedSinceSave += parsed;
            notesTreeSeen = notesTree;
            notesCommitSeen = notesCommit.copy();
        }
    }

    private void setOutcome(Node node, String note) {
        if (note == null) {
            node.row = null;
            node.status = null;
            node.score = null;
        } else {
            readOutcome(node, note);
        }
        node.outcomeKnown = true;
        changedSinceSave = true;
    }

    /** Status and score from the outcome note ({@link OutcomeNote#summary}). */
    static void readOutcome(Node node, String note) {
        node.row = null;
        OutcomeNote.Summary summary = OutcomeNote.summary(note);
        node.status = summary.status();
        node.score = summary.score();
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
