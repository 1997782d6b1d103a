package dev.looplab.lineage;

import dev.looplab.lineage.TrialTree.Node;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
 * An in-memory cache of the lineage's shape ({@link TrialTree}: parent links, depth, specialist, outcome status and
 * score) so chains and subtrees read in microseconds per trial. Git stays the source of truth: trial refs are only
 * ever created and commits never change, so the cache only misses new trials; {@link #refresh} finds them from the
 * packed-refs file's identity and the loose trial refs, and new outcomes by diffing the notes tree it last saw.
 * The first refresh starts from the saved copy ({@link TrialIndexFile}) when there is a sound one. Not
 * thread-safe; the store's parts synchronize on the index itself.
 */
final class TrialIndex {

    private static final System.Logger LOG = System.getLogger(TrialIndex.class.getName());
    // Below this many commits and notes parsed a cold load is quick enough that a saved copy is not worth a file.
    static final int SAVE_AFTER_PARSING = 1_000;
    // Saved lines compared with their commit and note on every load: catches a systematically wrong copy cheaply.
    static final int SPOT_CHECKS = 32;

    private final Repository repo;
    private final Path looseTrialRefs;
    private final Path packedRefs;
    private final TrialTree tree = new TrialTree();
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

    TrialIndex(Repository repo, Path gitDir, int saveAfterParsing) {
        this.repo = repo;
        this.looseTrialRefs = gitDir.resolve(LineageStore.TRIAL_REFS);
        this.packedRefs = gitDir.resolve(Constants.PACKED_REFS);
        this.savedCopy = new TrialIndexFile(gitDir);
        this.saveAfterParsing = saveAfterParsing;
    }

    Node get(String trialId) {
        return tree.get(trialId);
    }

    int size() {
        return tree.size();
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
                if (!tree.contains(ref.getName().substring(LineageStore.TRIAL_REFS.length()))) {
                    unseen.add(ref);
                }
            }
            packedRefsSeen = packed;
        } else {
            for (String name : LooseRefs.names(looseTrialRefs)) {
                if (!tree.contains(name)) {
                    Ref ref = repo.exactRef(LineageStore.TRIAL_REFS + name);
                    if (ref != null) {
                        unseen.add(ref);
                    }
                }
            }
        }
        if (tree.size() == 0) {
            load(unseen);
        } else if (!unseen.isEmpty()) {
            add(unseen, Map.of());
        }
    }

    /** Records a trial this store just created; only worth it once the index is loaded. */
    void added(String trialId, RevCommit commit) throws IOException {
        if (!tree.contains(trialId)) {
            Node node = Node.of(trialId, commit);
            tree.put(node);
            outcomePending.add(node);
            changedSinceSave = true;
            tree.link(List.of(node));
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
                    node = Node.of(trialId, walk.parseCommit(ref.getObjectId()));
                    parsed++;
                }
                if (!node.outcomeKnown) {
                    outcomePending.add(node);
                }
                tree.put(node);
                added.add(node);
            }
        }
        tree.link(added);
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
        tree.clear(refs.size());
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
            clear(refs.size());
            parsed = add(refs, Map.of());
            saved = null;
        } else {
            notesTreeSeen = saved.notesTree();
            notesCommitSeen = saved.notesCommit();
            // Trials the saved copy had, with the same commits, and no new ones: saving again would write the same.
            changedSinceSave = parsed > 0 || saved.nodes().size() != tree.size();
        }
        LOG.log(Level.INFO, String.format(Locale.ROOT,
                "trial index of %s loaded: %d trials, %d commits parsed, %s in %d ms", repo.getDirectory(),
                tree.size(), parsed, saved == null ? "rebuilt from git" : "rest from the saved copy",
                (System.nanoTime() - start) / 1_000_000));
    }

    /** Compares a sample of the saved lines with their commits and notes; the first difference, or null. */
    private String spotCheck(TrialIndexFile.Saved saved) throws IOException {
        List<Node> sample = new ArrayList<>();
        for (Node node : saved.nodes().values()) {
            if (tree.get(node.id) == node) {
                sample.add(node);
            }
        }
        Collections.shuffle(sample);
        sample = sample.subList(0, Math.min(SPOT_CHECKS, sample.size()));
        try (RevWalk walk = new RevWalk(repo)) {
            boolean notes = saved.notesTree() != null && !saved.notesTree().equals(ObjectId.zeroId());
            NoteMap savedNotes = notes ? NoteMap.readTree(walk.getObjectReader(), saved.notesTree()) : null;
            for (Node node : sample) {
                Node fromGit = Node.of(node.id, walk.parseCommit(node.commit));
                if (!Objects.equals(fromGit.parentCommit, node.parentCommit) || fromGit.commitTime != node.commitTime
                        || !Objects.equals(fromGit.specialist, node.specialist)) {
                    return "trial " + node.id + " has another parent, time or specialist in its commit "
                            + node.commit.name();
                }
                if (node.outcomeKnown) {
                    Note note = savedNotes == null ? null : savedNotes.getNote(node.commit);
                    if (note != null) {
                        fromGit.readOutcome(new String(walk.getObjectReader().open(note.getData()).getBytes(),
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

    private void clear(int trials) {
        tree.clear(trials);
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
        savedCopy.write(notesCommitSeen, notesTreeSeen, tree.nodes());
        changedSinceSave = false;
        parsedSinceSave = 0;
    }

    /** True when the index changed since the saved copy was written (or none was) and is big enough to save. */
    private boolean unsaved() {
        return tree.size() >= saveAfterParsing && changedSinceSave;
    }

    /** Saves the index when {@link #unsaved}, under the store's lock; for closing the store. */
    void saveIfChanged() {
        synchronized (this) {
            try {
                if (unsaved()) {
                    save();
                }
            } catch (IOException e) {
                // Only the next cold start gets slower: it parses the commits again.
            }
        }
    }

    /** The trials' full commit messages as TrialInfo, each commit read once through one reader and then cached. */
    List<TrialInfo> infos(List<Node> nodes) throws IOException {
        List<TrialInfo> infos = new ArrayList<>(nodes.size());
        try (ObjectReader reader = repo.newObjectReader()) {
            for (Node node : nodes) {
                infos.add(node.info(reader));
            }
        }
        return infos;
    }

    /** The trials as the index last saw them; chains, subtrees and the whole tree come from it. */
    TrialTree tree() {
        return tree;
    }

    // ---------------------------------------------------------------- outcomes

    private void refreshOutcomes() throws IOException {
        Ref notesRef = repo.exactRef(LineageStore.OUTCOME_NOTES);
        if (notesRef == null) {
            if (!ObjectId.zeroId().equals(notesTreeSeen)) {
                // No notes (yet, or deleted by hand): no trial has an outcome.
                for (Node node : tree.nodes()) {
                    setOutcome(node, null);
                }
                notesTreeSeen = ObjectId.zeroId();
                notesCommitSeen = null;
            }
            outcomePending.clear();
            return;
        }
        try (RevWalk walk = new RevWalk(repo); TreeWalk notesWalk = new TreeWalk(repo)) {
            ObjectReader reader = walk.getObjectReader();
            RevCommit notesCommit = walk.parseCommit(notesRef.getObjectId());
            ObjectId notesTree = notesCommit.getTree().copy();
            boolean readAll = notesTreeSeen == null || outcomePending.size() > Math.max(saveAfterParsing, tree.size() / 8);
            if (readAll) {
                for (Node node : tree.nodes()) {
                    setOutcome(node, null);
                }
                notesWalk.addTree(notesTree);
            } else if (!notesTree.equals(notesTreeSeen)) {
                // Diffing against the tree seen last visits only the fanout folders that changed.
                if (notesTreeSeen.equals(ObjectId.zeroId())) {
                    notesWalk.addTree(new EmptyTreeIterator());
                } else {
                    notesWalk.addTree(notesTreeSeen);
                }
                notesWalk.addTree(notesTree);
                notesWalk.setFilter(TreeFilter.ANY_DIFF);
            }
            int parsed = 0;
            if (notesWalk.getTreeCount() > 0) {
                int latest = notesWalk.getTreeCount() - 1;
                notesWalk.setRecursive(true);
                while (notesWalk.next()) {
                    String hex = notesWalk.getPathString().replace("/", "");
                    if (hex.length() != Constants.OBJECT_ID_STRING_LENGTH || !ObjectId.isId(hex)) {
                        continue;
                    }
                    Node node = tree.at(ObjectId.fromString(hex));
                    if (node == null) {
                        continue;
                    }
                    ObjectId blob = notesWalk.getObjectId(latest);
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
            node.clearOutcome();
        } else {
            node.readOutcome(note);
        }
        node.outcomeKnown = true;
        changedSinceSave = true;
    }

    // ---------------------------------------------------------------- freshness

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
