package dev.looplab.lineage;

import dev.looplab.diff.UnifiedDiff;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one writer of a task's trial lineage: a bare Git repository whose commits are trials, with
 * {@code refs/heads/trial/<id>} per trial, {@code refs/heads/best/<campaign>} and outcome notes on
 * {@code refs/notes/outcomes}. Safe for several threads and processes writing one repository. A facade: it opens
 * the repository and hands each call to the part that does that job ({@code TrialWriter}, {@code SnapshotWriter},
 * {@code Notes}, {@code Refs}, {@code LineageReader}).
 */
public final class LineageStore implements AutoCloseable {

    /** Prefix of the per-trial branches. */
    public static final String TRIAL_REFS = "refs/heads/trial/";
    /** Prefix of the per-campaign best branches. */
    public static final String BEST_REFS = "refs/heads/best/";
    /** Notes ref that holds outcomes; {@code git log --notes=outcomes} shows them. */
    public static final String OUTCOME_NOTES = "refs/notes/outcomes";
    /** Notes ref that holds re-runs of a commit (noise-floor runs, replays); {@code git log --notes=replays}. */
    public static final String REPLAY_NOTES = "refs/notes/replays";
    /** Prefix of the per-campaign knowledge branches, each holding one {@code KNOWLEDGE.md}. */
    public static final String KNOWLEDGE_REFS = "refs/heads/knowledge/";
    // Created with compare-and-swap so two racing initRoot calls cannot make two roots.
    static final String ROOT_REF = "refs/looplab/root";

    private final LineageRepository lineage;
    private final LineageOptions options;
    private final TrialIndex index;
    private final Refs refs;
    private final Notes notes;
    private final TrialWriter trials;
    private final SnapshotWriter snapshots;
    private final LineageReader reader;
    private final Knowledge knowledge;

    private LineageStore(LineageRepository lineage, LineageOptions options, int packRefsEvery, int saveIndexAfter) {
        this.lineage = lineage;
        this.options = options;
        this.index = new TrialIndex(lineage.git, lineage.dir, saveIndexAfter);
        this.refs = new Refs(lineage);
        this.notes = new Notes(lineage, refs);
        this.trials = new TrialWriter(lineage, options, index, refs, packRefsEvery);
        this.snapshots = new SnapshotWriter(lineage, refs);
        this.reader = new LineageReader(lineage, index);
        this.knowledge = new Knowledge(lineage, refs);
    }

    /** Opens the bare repository at {@code bareRepoDir}, creating it if missing, with default options. */
    public static LineageStore open(Path bareRepoDir) {
        return open(bareRepoDir, LineageOptions.defaults());
    }

    /** Opens the bare repository at {@code bareRepoDir}, creating it if missing. */
    public static LineageStore open(Path bareRepoDir, LineageOptions options) {
        return open(bareRepoDir, options, TrialWriter.PACK_REFS_EVERY);
    }

    static LineageStore open(Path bareRepoDir, LineageOptions options, int packRefsEvery) {
        return open(bareRepoDir, options, packRefsEvery, TrialIndex.SAVE_AFTER_PARSING);
    }

    static LineageStore open(Path bareRepoDir, LineageOptions options, int packRefsEvery, int saveIndexAfter) {
        return new LineageStore(LineageRepository.open(bareRepoDir), options, packRefsEvery, saveIndexAfter);
    }

    /** The bare repository folder. */
    public Path directory() {
        return lineage.dir;
    }

    /** The limits applied to every recorded diff. */
    public LineageOptions options() {
        return options;
    }

    @Override
    public void close() {
        try {
            index.saveIfChanged();
        } finally {
            lineage.close();
        }
    }

    /** Packs loose objects and refs into one delta-compressed pack, so clones copy stored objects; safe beside writers. */
    public MaintenanceResult maintain() {
        return lineage.io("pack the lineage", () -> LineageMaintenance.run(lineage.git));
    }

    /** Loose objects in the lineage, which {@link #maintain} packs; a directory scan. */
    public long looseObjects() {
        return lineage.io("count loose objects", () -> LineageMaintenance.looseObjects(lineage.git));
    }

    // ---------------------------------------------------------------- writing trials

    /** True once {@link #initRoot} has recorded the task's baseline recipe. */
    public boolean hasRoot() {
        return refs.hasRoot();
    }

    /** The root trial's id, if the root is recorded. */
    public Optional<String> rootTrial() {
        return refs.rootTrial();
    }

    /**
     * Commits every regular file under {@code recipeDir} (skipping {@code target/}, {@code .git/} and links) as the
     * parentless root trial. Idempotent for the same id and files.
     *
     * @throws TrialConflictException if a root with another id or other files already exists
     */
    public TrialCommit initRoot(String rootTrialId, Path recipeDir, String message) {
        return snapshots.initRoot(rootTrialId, recipeDir, message);
    }

    /**
     * Applies the spec's diff to its parent trial's recipe and commits it as trial {@code refs/heads/trial/<id>};
     * the same id again with the same parent and diff returns the existing commit.
     *
     * @throws DiffRejectedException if the diff is refused; nothing is written then
     * @throws UnknownTrialException if the parent trial is not recorded
     * @throws TrialConflictException if the id is already recorded with another parent or diff
     */
    public TrialCommit recordTrial(TrialSpec spec) {
        return trials.record(spec);
    }

    /**
     * Records several trials as one group (objects written together, one pack from 4 trials on, then each ref by
     * compare-and-swap); each spec gets its own result, in order: a refused spec writes nothing of itself and does
     * not stop the others. A spec may name an earlier spec of the list as its parent.
     *
     * @throws LineageIoException if the objects could not be written or the trial refs are blocked; that round
     *     records nothing (an earlier round may have), and recording the same specs again is safe
     */
    public List<TrialRecording> recordTrials(List<TrialSpec> specs) {
        return trials.record(specs);
    }

    /**
     * Records a trial from its whole files (or with its code unknown), as an importer knows it; a spec without a
     * parent becomes the root. The same id again with the same parent and files returns the existing commit.
     *
     * @throws UnknownTrialException if the parent trial is not recorded
     * @throws TrialConflictException if the id is recorded with another parent or files, or a root without
     *     a parent is asked for in a lineage that already has another root
     */
    public TrialCommit recordSnapshot(SnapshotSpec spec) {
        return snapshots.record(spec);
    }

    /**
     * Records many non-root snapshots, parents before children, in one pack and one ref transaction: how an importer
     * writes a long history in seconds. Trials already recorded with the same files and parent are left as they are.
     *
     * @throws TrialConflictException if a trial id is recorded with other files or another parent
     */
    public List<TrialCommit> recordSnapshots(List<SnapshotSpec> specs) {
        return snapshots.recordAll(specs);
    }

    // ---------------------------------------------------------------- reading

    /** The recorded trial, or empty if no {@code refs/heads/trial/<id>} exists. */
    public Optional<TrialInfo> readTrial(String trialId) {
        return reader.readTrial(trialId);
    }

    /** Every recorded trial, oldest commit first (ties by id). */
    public List<TrialInfo> listTrials() {
        return reader.listTrials();
    }

    /** The trials whose parent is {@code trialId}, oldest first. */
    public List<TrialInfo> children(String trialId) {
        return reader.children(trialId);
    }

    /** The trial and its ancestors, root first. */
    public List<TrialInfo> chainToRoot(String trialId) {
        return reader.chainToRoot(trialId);
    }

    /** The trial and its ancestors as tree rows, root first: the fast form of {@link #chainToRoot}. */
    public List<TrialNode> chainRows(String trialId) {
        return reader.chainRows(trialId);
    }

    /** The trial and every trial below it as tree rows, depth first, siblings oldest first. */
    public List<TrialNode> subtreeRows(String trialId) {
        return reader.subtreeRows(trialId);
    }

    /** Every recorded trial as a tree row, from the root down, depth first, siblings oldest first. */
    public List<TrialNode> treeRows() {
        return reader.treeRows();
    }

    /** The UTF-8 text of one recipe file as the trial left it. */
    public String readFile(String trialId, String path) {
        return reader.readFile(trialId, path);
    }

    /** Every recipe file of the trial, path to UTF-8 text, sorted by path. */
    public Map<String, String> readFiles(String trialId) {
        return reader.readFiles(trialId);
    }

    /** The git-style unified diff from the parent trial's recipe to this one (from empty for the root). */
    public String diffAgainstParent(String trialId) {
        return reader.diffAgainstParent(trialId);
    }

    /**
     * The unified diff from the campaign's best trial's recipe to this trial's, which {@link #recordTrial} applies
     * on top of the best.
     *
     * @throws LineageException if the campaign has no best trial yet
     */
    public String diffAgainstBest(String campaign, String trialId) {
        return reader.diffAgainstBest(campaign, trialId);
    }

    /** The unified diff from one trial's recipe to another's. */
    public String diffBetween(String fromTrialId, String toTrialId) {
        return reader.diffBetween(fromTrialId, toTrialId);
    }

    /** {@link UnifiedDiff#of}: a one-file diff that {@link #recordTrial} applies (null old text adds, null new deletes). */
    public static String unifiedDiff(String path, String oldText, String newText) {
        return UnifiedDiff.of(path, oldText, newText);
    }

    // ---------------------------------------------------------------- best and notes

    /** Points {@code refs/heads/best/<campaign>} at the trial's commit, whatever it pointed at before. */
    public void moveBest(String campaign, String trialId) {
        refs.moveBest(campaign, trialId);
    }

    /**
     * Moves {@code refs/heads/best/<campaign>} to the trial only if it still points at {@code expectedBestTrialId}
     * (null: no best yet), so two recorders cannot overwrite each other's decision.
     *
     * @return false, with nothing changed, when the best ref moved meanwhile; re-read it and decide again
     */
    public boolean moveBestIf(String campaign, String expectedBestTrialId, String trialId) {
        return refs.moveBestIf(campaign, expectedBestTrialId, trialId);
    }

    /** The trial that {@code refs/heads/best/<campaign>} points at, if the campaign has one. */
    public Optional<String> bestTrial(String campaign) {
        return refs.bestTrial(campaign);
    }

    /** Adds or replaces the outcome note on the trial's commit: {@code text}, then a fenced JSON block of {@code json}. */
    public void putOutcomeNote(String trialId, String text, String json) {
        notes.putOutcome(trialId, text, json);
    }

    /** Adds or replaces the outcome note on the trial's commit with {@code text} as given. */
    public void putOutcomeNote(String trialId, String text) {
        notes.putOutcome(trialId, text);
    }

    /**
     * Sets the outcome notes of many trials (trial id to note text) in one notes commit, leaving notes that already
     * say the same alone: how an importer writes a whole history at once.
     */
    public void putOutcomeNotes(Map<String, String> notesByTrial) {
        notes.putOutcomes(notesByTrial);
    }

    /** The outcome note on the trial's commit, if one was written. */
    public Optional<String> outcomeNote(String trialId) {
        return notes.outcome(trialId);
    }

    /** Appends {@code text} as a paragraph of the note on {@code commitId} in {@code notesRef}, creating it if none. */
    public void appendNote(String notesRef, String commitId, String text) {
        notes.append(notesRef, commitId, text);
    }

    /** The note on {@code commitId} in {@code notesRef}, if any. */
    public Optional<String> note(String notesRef, String commitId) {
        return notes.read(notesRef, commitId);
    }

    // ---------------------------------------------------------------- knowledge

    /**
     * Commits {@code markdown} as the campaign's {@code KNOWLEDGE.md} on {@code refs/heads/knowledge/<campaign>}, on
     * top of the previous version (a clone carries it and its history); an unchanged text writes nothing.
     *
     * @return the id of the commit that holds the text
     */
    public String putKnowledge(String campaign, String markdown) {
        return knowledge.put(campaign, markdown);
    }

    /** The campaign's latest knowledge summary, if one was written. */
    public Optional<String> knowledge(String campaign) {
        return knowledge.read(campaign);
    }
}
