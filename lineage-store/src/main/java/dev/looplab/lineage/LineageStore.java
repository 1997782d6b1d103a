package dev.looplab.lineage;

import dev.looplab.diff.UnifiedDiff;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.RefDirectory;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.HunkHeader;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.patch.PatchApplier;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The one writer of a task's trial lineage: a bare Git repository whose commits are trials, with
 * {@code refs/heads/trial/<id>} per trial, {@code refs/heads/best/<campaign>} and outcome notes on
 * {@code refs/notes/outcomes}. Safe for several threads and processes writing one repository.
 */
public final class LineageStore implements AutoCloseable {

    /** Prefix of the per-trial branches. */
    public static final String TRIAL_REFS = "refs/heads/trial/";
    /** Prefix of the per-campaign best branches. */
    public static final String BEST_REFS = "refs/heads/best/";
    /** Notes ref that holds outcomes; {@code git log --notes=outcomes} shows them. */
    public static final String OUTCOME_NOTES = "refs/notes/outcomes";
    // Created with compare-and-swap so two racing initRoot calls cannot make two roots.
    static final String ROOT_REF = "refs/looplab/root";

    private static final int MAX_REF_ATTEMPTS = 200;
    private static final int CONTEXT_LINES = 3;
    // Loose ref files pile up one per trial; packing them in batches keeps ref scans (ours, git's) short.
    static final int PACK_REFS_EVERY = 500;
    // Packing rewrites all of packed-refs, so it waits for a loose ref per 4 KB of it (about one per 60 packed):
    // at 100,000 trials that is every 1,600 trials, and a rewrite costs well under a millisecond per trial.
    static final int PACKED_REFS_BYTES_PER_LOOSE_REF = 4096;
    // Parents come mostly from the best and recent trials; remembering their commits spares a ref lookup each.
    private static final int KNOWN_TRIALS = 10_000;

    private final Repository repo;
    private final Path dir;
    private final LineageOptions options;
    private final TrialIndex index;
    private final int packRefsEvery;
    private int recordedSincePack;
    // Trial refs are only ever created, never moved, so a trial's commit once seen stays its commit.
    private final Map<String, ObjectId> knownTrials = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectId> eldest) {
            return size() > KNOWN_TRIALS;
        }
    };

    private LineageStore(Repository repo, Path dir, LineageOptions options, int packRefsEvery, int saveIndexAfter) {
        this.repo = repo;
        this.dir = dir;
        this.options = options;
        this.index = new TrialIndex(repo, dir, saveIndexAfter);
        this.packRefsEvery = packRefsEvery;
    }

    /** Opens the bare repository at {@code bareRepoDir}, creating it if missing, with default options. */
    public static LineageStore open(Path bareRepoDir) {
        return open(bareRepoDir, LineageOptions.defaults());
    }

    /** Opens the bare repository at {@code bareRepoDir}, creating it if missing. */
    public static LineageStore open(Path bareRepoDir, LineageOptions options) {
        return open(bareRepoDir, options, PACK_REFS_EVERY);
    }

    static LineageStore open(Path bareRepoDir, LineageOptions options, int packRefsEvery) {
        return open(bareRepoDir, options, packRefsEvery, TrialIndex.SAVE_AFTER_PARSING);
    }

    static LineageStore open(Path bareRepoDir, LineageOptions options, int packRefsEvery, int saveIndexAfter) {
        Path dir = bareRepoDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
            if (!repo.getObjectDatabase().exists()) {
                try {
                    repo.create(true);
                } catch (IllegalStateException raced) {
                    // Another process created it between the check and create: use theirs.
                }
            }
            return new LineageStore(repo, dir, options, packRefsEvery, saveIndexAfter);
        } catch (IOException e) {
            throw new LineageIoException("cannot open or create the lineage repository " + dir
                    + ": " + e.getMessage() + "; check that the folder is writable", e);
        }
    }

    /** The bare repository folder. */
    public Path directory() {
        return dir;
    }

    /** The limits applied to every recorded diff. */
    public LineageOptions options() {
        return options;
    }

    @Override
    public void close() {
        try {
            synchronized (index) {
                if (index.unsaved()) {
                    index.save();
                }
            }
        } catch (IOException e) {
            // Only the next cold start gets slower: it parses the commits again.
        } finally {
            repo.close();
        }
    }

    // ---------------------------------------------------------------- maintenance

    /**
     * Packs the lineage's loose objects and refs into one delta-compressed pack, so clones copy stored objects
     * instead of compressing each again (see {@link LineageMaintenance}); safe while other writers record.
     */
    public MaintenanceResult maintain() {
        return io("pack the lineage", () -> LineageMaintenance.run(repo));
    }

    /** Loose objects in the lineage, which {@link #maintain} packs; a directory scan. */
    public long looseObjects() {
        return io("count loose objects", () -> LineageMaintenance.looseObjects(repo));
    }

    // ---------------------------------------------------------------- root

    /** True once {@link #initRoot} has recorded the task's baseline recipe. */
    public boolean hasRoot() {
        return io("read the root ref", () -> repo.exactRef(ROOT_REF) != null);
    }

    /** The root trial's id, if the root is recorded. */
    public Optional<String> rootTrial() {
        return io("read the root ref", () -> {
            Ref root = repo.exactRef(ROOT_REF);
            if (root == null) {
                return Optional.<String>empty();
            }
            try (RevWalk walk = new RevWalk(repo)) {
                return Optional.ofNullable(trailer(walk.parseCommit(root.getObjectId()), CommitMessages.TRIAL));
            }
        });
    }

    /**
     * Commits every regular file under {@code recipeDir} (recursively, skipping {@code target/} and
     * {@code .git/} folders and links) as the parentless root trial. Idempotent for the same id and files.
     *
     * @throws TrialConflictException if a root with another id or other files already exists
     */
    public TrialCommit initRoot(String rootTrialId, Path recipeDir, String message) {
        Ids.requireId("rootTrialId", rootTrialId);
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message of root trial " + rootTrialId
                    + " is empty; describe the baseline recipe in a line");
        }
        if (!Files.isDirectory(recipeDir)) {
            throw new IllegalArgumentException("recipe folder " + recipeDir + " of root trial " + rootTrialId
                    + " is not a directory; pass the folder that holds the task's baseline recipe");
        }
        return io("record root trial " + rootTrialId, () -> {
            try (RevWalk walk = new RevWalk(repo); ObjectInserter inserter = repo.newObjectInserter()) {
                ObjectId tree = writeRecipeTree(recipeDir, inserter);
                Ref existing = repo.exactRef(ROOT_REF);
                ObjectId rootId;
                if (existing != null) {
                    rootId = existing.getObjectId();
                } else {
                    CommitBuilder commit = newCommit(tree, CommitMessages.compose(message,
                            Map.of(CommitMessages.TRIAL, rootTrialId)));
                    ObjectId created = inserter.insert(commit);
                    inserter.flush();
                    rootId = createRef(ROOT_REF, created);
                }
                RevCommit root = walk.parseCommit(rootId);
                String existingId = trailer(root, CommitMessages.TRIAL);
                if (!rootTrialId.equals(existingId)) {
                    throw new TrialConflictException("lineage " + dir + " already has root trial " + existingId
                            + ", not " + rootTrialId + "; use a fresh repository per task or pass the existing root id");
                }
                if (!root.getTree().equals(tree)) {
                    throw new TrialConflictException("root trial " + rootTrialId + " is already recorded with"
                            + " other files than " + recipeDir + "; record recipe changes as trials,"
                            + " or start a new task repository for a new baseline");
                }
                ObjectId trialRef = createRef(TRIAL_REFS + rootTrialId, rootId);
                if (!trialRef.equals(rootId)) {
                    throw new TrialConflictException("trial id " + rootTrialId + " already names commit "
                            + trialRef.name() + ", not the root " + rootId.name() + "; pick another root id");
                }
                pointHeadAt(TRIAL_REFS + rootTrialId);
                return new TrialCommit(rootTrialId, rootId.name(), null);
            }
        });
    }

    private ObjectId writeRecipeTree(Path recipeDir, ObjectInserter inserter) throws IOException {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        Files.walkFileTree(recipeDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attrs) {
                String name = folder.getFileName() == null ? "" : folder.getFileName().toString();
                boolean skip = !folder.equals(recipeDir) && (name.equals("target") || name.equals(".git"));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                String path = recipeDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                DirCacheEntry entry = new DirCacheEntry(path);
                entry.setFileMode(isExecutable(file) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE);
                byte[] content = Files.readAllBytes(file);
                entry.setLength(content.length);
                entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, content));
                builder.add(entry);
                return FileVisitResult.CONTINUE;
            }
        });
        builder.finish();
        if (index.getEntryCount() == 0) {
            throw new IllegalArgumentException("recipe folder " + recipeDir
                    + " has no regular files outside target/; pass the folder that holds the recipe");
        }
        return index.writeTree(inserter);
    }

    private static boolean isExecutable(Path file) {
        try {
            return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    private void pointHeadAt(String target) throws IOException {
        Ref head = repo.exactRef(Constants.HEAD);
        // Only while HEAD is unborn: a clone then checks out the baseline recipe.
        if (head == null || head.getObjectId() == null) {
            repo.updateRef(Constants.HEAD).link(target);
        }
    }

    // ---------------------------------------------------------------- trials

    /**
     * Applies the spec's diff to its parent trial's recipe and commits it as a new trial, creating
     * {@code refs/heads/trial/<id>}. Recording the same id again with the same parent and diff returns the
     * existing commit.
     *
     * @throws DiffRejectedException if the diff is refused; nothing is written then
     * @throws UnknownTrialException if the parent trial is not recorded
     * @throws TrialConflictException if the id is already recorded with another parent or diff
     */
    public TrialCommit recordTrial(TrialSpec spec) {
        Patch patch = DiffGuard.parse(spec.trialId(), spec.diff(), options);
        return io("record trial " + spec.trialId(), () -> record(List.of(spec), List.of(patch)))
                .get(0).commitOrThrow();
    }

    /**
     * Records several trials as one group: every diff is applied in memory, the accepted trials' objects are
     * written together (one pack file from {@value #PACK_AT_LEAST} trials on, loose objects below), then each
     * trial's ref is created by compare-and-swap. Each spec gets its own result, in order: a refused
     * spec (bad diff, unknown parent, id recorded with other content) writes nothing of itself and does not
     * stop the others. A spec may name an earlier spec of the same list as its parent (it is then written after
     * its parent, in a second round).
     *
     * @throws LineageIoException if the objects could not be written or the trial refs are blocked; no trial of
     *     that round is recorded (a first round may have been, when a second one fails), and recording the same
     *     specs again returns the recorded ones as they are
     */
    public List<TrialRecording> recordTrials(List<TrialSpec> specs) {
        if (specs == null || specs.isEmpty() || specs.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("recordTrials needs a non-empty list of specs without nulls;"
                    + " pass the trials to record");
        }
        List<Patch> patches = new ArrayList<>(specs.size());
        List<TrialRecording> refused = new ArrayList<>(Collections.nCopies(specs.size(), null));
        for (int i = 0; i < specs.size(); i++) {
            TrialSpec spec = specs.get(i);
            try {
                patches.add(DiffGuard.parse(spec.trialId(), spec.diff(), options));
            } catch (DiffRejectedException e) {
                patches.add(null);
                refused.set(i, TrialRecording.failed(spec.trialId(), e));
            }
        }
        List<TrialRecording> recorded = io("record " + specs.size() + " trials", () -> record(specs, patches));
        List<TrialRecording> results = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            results.add(refused.get(i) != null ? refused.get(i) : recorded.get(i));
        }
        return Collections.unmodifiableList(results);
    }

    // A pack per group pays off from here on; fewer trials write loose objects, so single trials add no pack files.
    static final int PACK_AT_LEAST = 4;

    /** One accepted trial of a group: its commit, written once the group's objects go to disk. */
    private record Staged(TrialSpec spec, ObjectId commit, ObjectId parent, ObjectId tree) {
    }

    /**
     * Records the specs whose patch is not null; the others get a null result for the caller to fill. A spec
     * whose parent is staged in the same round waits for the next round, once its parent is on disk.
     */
    private List<TrialRecording> record(List<TrialSpec> specs, List<Patch> patches) throws IOException {
        TrialRecording[] results = new TrialRecording[specs.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            if (patches.get(i) != null) {
                pending.add(i);
            }
        }
        while (!pending.isEmpty()) {
            pending = recordRound(specs, patches, pending, results);
        }
        return Arrays.asList(results);
    }

    /** Stages, writes and creates the refs of the pending specs whose parents are on disk; returns the others. */
    private List<Integer> recordRound(List<TrialSpec> specs, List<Patch> patches, List<Integer> pending,
            TrialRecording[] results) throws IOException {
        List<Integer> waiting = new ArrayList<>();
        List<Integer> staged = new ArrayList<>();
        List<Staged> accepted = new ArrayList<>();
        Map<String, Staged> byId = new HashMap<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            StagedObjects objects = new StagedObjects(reader);
            try (RevWalk walk = new RevWalk(reader)) {
                for (int i : pending) {
                    TrialSpec spec = specs.get(i);
                    if (byId.containsKey(spec.parentTrialId())) {
                        waiting.add(i);
                        continue;
                    }
                    try {
                        Staged trial = stage(spec, patches.get(i), walk, objects, !byId.containsKey(spec.trialId()));
                        Staged twin = byId.putIfAbsent(spec.trialId(), trial);
                        if (twin == null) {
                            accepted.add(trial);
                        } else {
                            // The same id twice in one group: like a redelivery, same content is the same trial.
                            results[i] = sameInGroup(twin, trial);
                        }
                        staged.add(i);
                    } catch (DiffRejectedException | UnknownTrialException | TrialConflictException e) {
                        results[i] = TrialRecording.failed(spec.trialId(), e);
                    }
                }
            }
            if (accepted.isEmpty()) {
                return waiting;
            }
            writeObjects(objects, accepted.size());
        }
        Map<String, TrialRecording> created = createTrialRefs(accepted);
        for (int i : staged) {
            if (results[i] == null) {
                results[i] = created.get(specs.get(i).trialId());
            }
        }
        return waiting;
    }

    private Staged stage(TrialSpec spec, Patch patch, RevWalk walk, StagedObjects objects, boolean keep)
            throws IOException {
        RevCommit parent = parentCommit(walk, spec.parentTrialId(), spec.trialId());
        RevTree parentTree = parent.getTree();
        checkTargets(spec.trialId(), spec.parentTrialId(), patch, parentTree, walk.getObjectReader());
        StagedObjects.Trial trial = objects.begin();
        ObjectId tree = apply(spec, patch, parentTree, trial);
        if (tree.equals(parentTree)) {
            throw DiffGuard.reject(spec.trialId(), "diff leaves the recipe of parent trial "
                    + spec.parentTrialId() + " unchanged; submit a diff that changes something");
        }
        ObjectId commit = trial.insert(newCommit(tree, message(spec), parent));
        if (keep) {
            trial.accept();
        }
        return new Staged(spec, commit, parent.copy(), tree);
    }

    private static TrialRecording sameInGroup(Staged first, Staged again) {
        String trialId = first.spec().trialId();
        boolean sameParent = first.parent().equals(again.parent());
        if (!sameParent || !first.tree().equals(again.tree())) {
            return TrialRecording.failed(trialId, new TrialConflictException("trial " + trialId
                    + " appears twice in one group with " + (sameParent ? "a different diff" : "a different parent")
                    + "; give the new proposal a fresh trial id"));
        }
        // Filled in with the first one's result once its ref exists.
        return null;
    }

    private void writeObjects(StagedObjects objects, int trials) throws IOException {
        boolean pack = trials >= PACK_AT_LEAST && repo.getObjectDatabase() instanceof ObjectDirectory;
        try (ObjectInserter inserter = pack ? ((ObjectDirectory) repo.getObjectDatabase()).newPackInserter()
                : repo.newObjectInserter()) {
            objects.writeTo(inserter);
            // Objects reach the disk before any ref names them: a crash in between leaves only unreferenced objects.
            inserter.flush();
        }
        if (pack) {
            SmallPacks.merge((ObjectDirectory) repo.getObjectDatabase());
        }
    }

    /**
     * Creates the trial refs of a group, each by compare-and-swap from nothing; a ref that exists already (a
     * redelivered trial, or another writer's) is compared with the staged trial instead.
     */
    private Map<String, TrialRecording> createTrialRefs(List<Staged> trials) throws IOException {
        String container = TRIAL_REFS.substring(0, TRIAL_REFS.length() - 1);
        if (repo.exactRef(container) != null) {
            // Ids hold no '/', so this is the only ref name that could clash with a trial ref.
            throw new IOException("a ref named " + container + " blocks every trial ref; rename or delete it"
                    + " (git update-ref -d " + container + ")");
        }
        Map<String, TrialRecording> results = new HashMap<>();
        try (RevWalk walk = new RevWalk(repo)) {
            for (Staged trial : trials) {
                String trialId = trial.spec().trialId();
                String name = TRIAL_REFS + trialId;
                try {
                    ObjectId recorded = LooseRefs.create(repo, dir, name, trial.commit()) ? trial.commit()
                            // Taken (another writer, a redelivery) or locked: JGit's update reads or retries it.
                            : createRef(name, trial.commit());
                    if (recorded.equals(trial.commit())) {
                        recorded(trialId, walk, trial.commit());
                        results.put(trialId, TrialRecording.recorded(
                                new TrialCommit(trialId, trial.commit().name(), trial.parent().name())));
                    } else {
                        remember(trialId, recorded);
                        results.put(trialId, TrialRecording.recorded(sameOrConflict(walk, trial.spec(), recorded,
                                walk.parseCommit(trial.parent()), trial.tree())));
                    }
                } catch (TrialConflictException e) {
                    results.put(trialId, TrialRecording.failed(trialId, e));
                } catch (IOException e) {
                    results.put(trialId, TrialRecording.failed(trialId, new LineageIoException("could not create "
                            + name + " in lineage " + dir + ": " + e.getMessage(), e)));
                }
            }
        }
        return results;
    }

    private void recorded(String trialId, RevWalk walk, ObjectId commit) throws IOException {
        synchronized (index) {
            if (index.size() > 0) {
                index.added(trialId, walk.parseCommit(commit));
            }
            if (++recordedSincePack >= packRefsEvery
                    && recordedSincePack >= packedRefsBytes() / PACKED_REFS_BYTES_PER_LOOSE_REF) {
                recordedSincePack = 0;
                packTrialRefs();
            }
        }
        remember(trialId, commit);
    }

    private long packedRefsBytes() {
        try {
            return Files.size(dir.resolve(Constants.PACKED_REFS));
        } catch (IOException e) {
            return 0;
        }
    }

    private void remember(String trialId, ObjectId commit) {
        synchronized (knownTrials) {
            knownTrials.put(trialId, commit.copy());
        }
    }

    /** The parent's commit: remembered, or from its ref. */
    private RevCommit parentCommit(RevWalk walk, String parentId, String trialId) throws IOException {
        ObjectId known;
        synchronized (knownTrials) {
            known = knownTrials.get(parentId);
        }
        if (known != null) {
            return walk.parseCommit(known);
        }
        RevCommit parent = resolve(walk, parentId, "parent trial of " + trialId);
        remember(parentId, parent);
        return parent;
    }

    private void packTrialRefs() throws IOException {
        if (repo.getRefDatabase() instanceof RefDirectory refs) {
            List<String> loose = index.looseTrialRefs().stream().map(name -> TRIAL_REFS + name).toList();
            if (!loose.isEmpty()) {
                refs.pack(loose);
            }
        }
    }

    private void checkTargets(String trialId, String parentId, Patch patch, RevTree parentTree,
            ObjectReader reader) throws IOException {
        for (FileHeader file : patch.getFiles()) {
            ChangeType type = file.getChangeType();
            if (type != ChangeType.ADD && !isFile(reader, file.getOldPath(), parentTree)) {
                throw DiffGuard.reject(trialId, "diff changes '" + file.getOldPath()
                        + "', which is not a file in parent trial " + parentId
                        + "; diff against the parent's files (LineageStore.readFiles) or add it as a new file");
            }
            if (type == ChangeType.DELETE && !deletesExactly(reader, file, parentTree)) {
                throw DiffGuard.reject(trialId, "diff deletes '" + file.getOldPath() + "' but its removed lines"
                        + " are not the file's content in parent trial " + parentId
                        + "; regenerate the deletion against the parent's files");
            }
            boolean createsPath = type == ChangeType.ADD || type == ChangeType.RENAME || type == ChangeType.COPY;
            if (createsPath && TreeWalk.forPath(reader, file.getNewPath(), parentTree) != null) {
                throw DiffGuard.reject(trialId, "diff creates '" + file.getNewPath()
                        + "', which already exists in parent trial " + parentId
                        + "; send a modification of the existing file instead");
            }
        }
    }

    // PatchApplier drops a deleted path without reading its hunks, so a stale deletion is caught here.
    private static boolean deletesExactly(ObjectReader reader, FileHeader file, RevTree tree) throws IOException {
        byte[] current;
        try (TreeWalk walk = TreeWalk.forPath(reader, file.getOldPath(), tree)) {
            current = reader.open(walk.getObjectId(0)).getBytes();
        }
        ByteArrayOutputStream removed = new ByteArrayOutputStream();
        for (HunkHeader hunk : file.getHunks()) {
            String body = new String(hunk.getBuffer(), hunk.getStartOffset(),
                    hunk.getEndOffset() - hunk.getStartOffset(), StandardCharsets.UTF_8);
            String[] lines = body.split("\n", -1);
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                if (line.startsWith("-") || line.startsWith(" ")) {
                    removed.writeBytes((line.substring(1) + "\n").getBytes(StandardCharsets.UTF_8));
                } else if (line.startsWith("\\") && removed.size() > 0) {
                    // "\ No newline at end of file": the last removed line had no newline.
                    byte[] sofar = removed.toByteArray();
                    removed.reset();
                    removed.write(sofar, 0, sofar.length - 1);
                }
            }
        }
        return Arrays.equals(current, removed.toByteArray());
    }

    private static boolean isFile(ObjectReader reader, String path, RevTree tree) throws IOException {
        try (TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
            return walk != null && (walk.getRawMode(0) & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
        }
    }

    private ObjectId apply(TrialSpec spec, Patch patch, RevTree parentTree, ObjectInserter inserter)
            throws IOException {
        PatchApplier.Result result;
        try {
            result = new PatchApplier(repo, parentTree, inserter).applyPatch(patch);
        } catch (RuntimeException e) {
            // JGit signals bad paths and directory/file clashes with unchecked exceptions.
            throw DiffGuard.reject(spec.trialId(), "diff cannot be applied to parent trial "
                    + spec.parentTrialId() + ": " + e.getMessage() + "; regenerate it against the parent's files");
        }
        if (!result.getErrors().isEmpty()) {
            String errors = result.getErrors().stream().map(LineageStore::describeApplyError)
                    .collect(Collectors.joining("; "));
            throw DiffGuard.reject(spec.trialId(), "diff does not apply to parent trial "
                    + spec.parentTrialId() + ": " + errors
                    + "; regenerate the diff against the parent's current files (LineageStore.readFile)");
        }
        return result.getTreeId();
    }

    // JGit prints hunks as HunkHeader[3,3->3,4]; show them as the @@ line the proposer wrote.
    private static final Pattern JGIT_HUNK = Pattern.compile("HunkHeader\\[(\\d+),(\\d+)->(\\d+),(\\d+)]");

    private static String describeApplyError(PatchApplier.Result.Error error) {
        return JGIT_HUNK.matcher(error.toString())
                .replaceAll("'@@ -$1,$2 +$3,$4 @@' (old line $1)");
    }

    private TrialCommit sameOrConflict(RevWalk walk, TrialSpec spec, ObjectId recordedId, RevCommit parent,
            ObjectId tree) throws IOException {
        RevCommit recorded = walk.parseCommit(recordedId);
        boolean sameParent = recorded.getParentCount() == 1 && recorded.getParent(0).equals(parent);
        if (!sameParent || !recorded.getTree().equals(tree)) {
            throw new TrialConflictException("trial " + spec.trialId() + " is already recorded as commit "
                    + recordedId.name() + " with " + (sameParent ? "a different diff" : "a different parent")
                    + "; give the new proposal a fresh trial id");
        }
        return new TrialCommit(spec.trialId(), recorded.name(), parent.name());
    }

    private static String message(TrialSpec spec) {
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put(CommitMessages.TRIAL, spec.trialId());
        trailers.put(CommitMessages.PARENT, spec.parentTrialId());
        trailers.put(CommitMessages.SPECIALIST, spec.specialist());
        trailers.put(CommitMessages.SURFACE, spec.surface());
        trailers.put(CommitMessages.CAMPAIGN, spec.campaign());
        return CommitMessages.compose(spec.hypothesis(), trailers);
    }

    private static CommitBuilder newCommit(ObjectId tree, String message, AnyObjectId... parents) {
        PersonIdent looplab = new PersonIdent("Looplab", "looplab@localhost");
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        commit.setParentIds(List.of(parents));
        commit.setAuthor(looplab);
        commit.setCommitter(looplab);
        commit.setEncoding(StandardCharsets.UTF_8);
        commit.setMessage(message);
        return commit;
    }

    // ---------------------------------------------------------------- reading

    /** The recorded trial, or empty if no {@code refs/heads/trial/<id>} exists. */
    public Optional<TrialInfo> readTrial(String trialId) {
        Ids.requireId("trialId", trialId);
        return io("read trial " + trialId, () -> {
            Ref ref = repo.exactRef(TRIAL_REFS + trialId);
            if (ref == null) {
                return Optional.<TrialInfo>empty();
            }
            try (RevWalk walk = new RevWalk(repo)) {
                return Optional.of(info(walk.parseCommit(ref.getObjectId())));
            }
        });
    }

    /** Every recorded trial, oldest commit first (ties by id). */
    public List<TrialInfo> listTrials() {
        return io("list trials", () -> {
            List<RevCommit> commits = new ArrayList<>();
            try (RevWalk walk = new RevWalk(repo)) {
                for (Ref ref : repo.getRefDatabase().getRefsByPrefix(TRIAL_REFS)) {
                    commits.add(walk.parseCommit(ref.getObjectId()));
                }
                return infosInOrder(commits);
            }
        });
    }

    /** The trials whose parent is {@code trialId}, oldest first. */
    public List<TrialInfo> children(String trialId) {
        return io("list children of trial " + trialId, () -> {
            synchronized (index) {
                return infos(indexed(trialId, false).children);
            }
        });
    }

    /** The trial and its ancestors, root first. */
    public List<TrialInfo> chainToRoot(String trialId) {
        return io("walk trial " + trialId + " to the root", () -> {
            synchronized (index) {
                TrialIndex.Node node = indexed(trialId, false);
                return infos(index.chain(node));
            }
        });
    }

    /** The trial and its ancestors as tree rows, root first: the fast form of {@link #chainToRoot}. */
    public List<TrialNode> chainRows(String trialId) {
        return io("walk trial " + trialId + " to the root", () -> {
            synchronized (index) {
                return rows(index.chain(indexed(trialId, true)));
            }
        });
    }

    /** The trial and every trial below it as tree rows, depth first, siblings oldest first. */
    public List<TrialNode> subtreeRows(String trialId) {
        return io("read the subtree of trial " + trialId, () -> {
            synchronized (index) {
                return rows(index.subtree(indexed(trialId, true)));
            }
        });
    }

    /** Every recorded trial as a tree row, from the root down, depth first, siblings oldest first. */
    public List<TrialNode> treeRows() {
        return io("read the trial tree", () -> {
            synchronized (index) {
                index.refreshWithOutcomes();
                return rows(index.all());
            }
        });
    }

    private TrialIndex.Node indexed(String trialId, boolean withOutcomes) throws IOException {
        Ids.requireId("trialId", trialId);
        synchronized (index) {
            if (withOutcomes) {
                index.refreshWithOutcomes();
            } else {
                index.refresh();
            }
            TrialIndex.Node node = index.get(trialId);
            if (node == null) {
                try (RevWalk walk = new RevWalk(repo)) {
                    resolve(walk, trialId, "trial");
                }
                throw new IllegalStateException("trial " + trialId + " has a ref but is missing from the index");
            }
            return node;
        }
    }

    private static List<TrialNode> rows(List<TrialIndex.Node> nodes) {
        List<TrialNode> rows = new ArrayList<>(nodes.size());
        for (TrialIndex.Node node : nodes) {
            rows.add(node.row());
        }
        return rows;
    }

    private List<TrialInfo> infos(List<TrialIndex.Node> nodes) throws IOException {
        return index.infos(nodes);
    }

    /** The UTF-8 text of one recipe file as the trial left it. */
    public String readFile(String trialId, String path) {
        return io("read " + path + " of trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit commit = resolve(walk, trialId, "trial");
                try (TreeWalk file = TreeWalk.forPath(repo, path, commit.getTree())) {
                    if (file == null || (file.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                        throw new LineageException("trial " + trialId + " has no file '" + path
                                + "'; list its files with readFiles(\"" + trialId + "\")");
                    }
                    return new String(repo.open(file.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                }
            }
        });
    }

    /** Every recipe file of the trial, path to UTF-8 text, sorted by path. */
    public Map<String, String> readFiles(String trialId) {
        return io("read the files of trial " + trialId, () -> {
            Map<String, String> files = new TreeMap<>();
            try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
                tree.addTree(resolve(walk, trialId, "trial").getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    if ((tree.getRawMode(0) & FileMode.TYPE_MASK) == FileMode.TYPE_FILE) {
                        files.put(tree.getPathString(),
                                new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            return Collections.unmodifiableMap(files);
        });
    }

    /** The git-style unified diff from the parent trial's recipe to this one (from empty for the root). */
    public String diffAgainstParent(String trialId) {
        return io("diff trial " + trialId + " against its parent", () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit commit = resolve(walk, trialId, "trial");
                AnyObjectId parentTree = commit.getParentCount() == 0 ? null
                        : walk.parseCommit(commit.getParent(0)).getTree();
                return formatDiff(parentTree, commit.getTree());
            }
        });
    }

    /**
     * The unified diff from the recipe of the campaign's best trial to this trial's (empty for the best
     * itself); {@link #recordTrial} applies it on top of the best.
     *
     * @throws LineageException if the campaign has no best trial yet
     */
    public String diffAgainstBest(String campaign, String trialId) {
        Ids.requireId("campaign", campaign);
        return io("diff trial " + trialId + " against the best of campaign " + campaign, () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit commit = resolve(walk, trialId, "trial");
                Ref best = repo.exactRef(BEST_REFS + campaign);
                if (best == null) {
                    throw new LineageException("campaign " + campaign + " has no best trial yet (no " + BEST_REFS
                            + campaign + "); diff against the parent (diffAgainstParent) until a trial is kept");
                }
                return formatDiff(walk.parseCommit(best.getObjectId()).getTree(), commit.getTree());
            }
        });
    }

    /** The unified diff from one trial's recipe to another's. */
    public String diffBetween(String fromTrialId, String toTrialId) {
        return io("diff trial " + toTrialId + " against trial " + fromTrialId, () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit from = resolve(walk, fromTrialId, "trial");
                RevCommit to = resolve(walk, toTrialId, "trial");
                return formatDiff(from.getTree(), to.getTree());
            }
        });
    }

    private String formatDiff(AnyObjectId fromTree, AnyObjectId toTree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.setRepository(repo);
            formatter.setDiffAlgorithm(DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM));
            formatter.setDiffComparator(RawTextComparator.DEFAULT);
            formatter.setContext(CONTEXT_LINES);
            formatter.format(fromTree, toTree);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<TrialInfo> infosInOrder(List<RevCommit> commits) {
        List<TrialInfo> infos = new ArrayList<>();
        commits.stream()
                .sorted(Comparator.comparingInt(RevCommit::getCommitTime)
                        .thenComparing(c -> String.valueOf(trailer(c, CommitMessages.TRIAL))))
                .forEach(c -> infos.add(info(c)));
        return infos;
    }

    private static TrialInfo info(RevCommit commit) {
        return CommitMessages.info(commit.name(), commit.getFullMessage());
    }

    private static String trailer(RevCommit commit, String key) {
        return CommitMessages.trailers(commit.getFullMessage()).get(key);
    }

    private RevCommit resolve(RevWalk walk, String trialId, String role) throws IOException {
        Ids.requireId("trialId", trialId);
        Ref ref = repo.exactRef(TRIAL_REFS + trialId);
        if (ref == null) {
            throw new UnknownTrialException(trialId, role + " '" + trialId + "' is not recorded in lineage "
                    + dir + " (no " + TRIAL_REFS + trialId + "); record it first or use a recorded trial id");
        }
        return walk.parseCommit(ref.getObjectId());
    }

    // ---------------------------------------------------------------- best and outcomes

    /** Points {@code refs/heads/best/<campaign>} at the trial's commit, whatever it pointed at before. */
    public void moveBest(String campaign, String trialId) {
        Ids.requireId("campaign", campaign);
        io("move best of campaign " + campaign + " to trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                forceRef(BEST_REFS + campaign, resolve(walk, trialId, "trial"));
            }
            return null;
        });
    }

    /**
     * Moves {@code refs/heads/best/<campaign>} to the trial only if it still points at
     * {@code expectedBestTrialId} (null: only if the campaign has no best yet), so two recorders that each
     * compared against the old best cannot overwrite each other's decision.
     *
     * @return false, with nothing changed, when the best ref moved meanwhile; re-read it and decide again
     */
    public boolean moveBestIf(String campaign, String expectedBestTrialId, String trialId) {
        Ids.requireId("campaign", campaign);
        return io("move best of campaign " + campaign + " to trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                ObjectId target = resolve(walk, trialId, "trial");
                ObjectId expected = expectedBestTrialId == null ? ObjectId.zeroId()
                        : resolve(walk, expectedBestTrialId, "expected best trial");
                for (int attempt = 1; ; attempt++) {
                    Ref current = repo.exactRef(BEST_REFS + campaign);
                    ObjectId currentId = current == null ? ObjectId.zeroId() : current.getObjectId();
                    if (!currentId.equals(expected)) {
                        return false;
                    }
                    RefUpdate update = repo.updateRef(BEST_REFS + campaign);
                    update.setExpectedOldObjectId(expected);
                    update.setNewObjectId(target);
                    update.setForceUpdate(true);
                    switch (update.update(walk)) {
                        case NEW, FORCED, FAST_FORWARD, NO_CHANGE:
                            return true;
                        case LOCK_FAILURE:
                            retryOrFail(BEST_REFS + campaign, RefUpdate.Result.LOCK_FAILURE, attempt);
                            break;
                        default:
                            throw new IOException("updating " + BEST_REFS + campaign + " failed");
                    }
                }
            }
        });
    }

    /** The trial that {@code refs/heads/best/<campaign>} points at, if the campaign has one. */
    public Optional<String> bestTrial(String campaign) {
        Ids.requireId("campaign", campaign);
        return io("read best of campaign " + campaign, () -> {
            Ref ref = repo.exactRef(BEST_REFS + campaign);
            if (ref == null) {
                return Optional.<String>empty();
            }
            try (RevWalk walk = new RevWalk(repo)) {
                return Optional.ofNullable(trailer(walk.parseCommit(ref.getObjectId()), CommitMessages.TRIAL));
            }
        });
    }

    /**
     * Adds or replaces the outcome note on the trial's commit; the note reads as {@code text}, then a fenced
     * JSON block holding {@code json}.
     */
    public void putOutcomeNote(String trialId, String text, String json) {
        putOutcomeNote(trialId, text.strip() + "\n\n```json\n" + json.strip() + "\n```\n");
    }

    /** Adds or replaces the outcome note on the trial's commit with {@code text} as given. */
    public void putOutcomeNote(String trialId, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("outcome note for trial " + trialId
                    + " is empty; pass the outcome summary (and its JSON)");
        }
        io("write the outcome note of trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(repo); ObjectInserter inserter = repo.newObjectInserter()) {
                RevCommit trial = resolve(walk, trialId, "trial");
                for (int attempt = 1; ; attempt++) {
                    Ref notesRef = repo.exactRef(OUTCOME_NOTES);
                    RevCommit notesHead = notesRef == null ? null : walk.parseCommit(notesRef.getObjectId());
                    NoteMap notes = notesHead == null ? NoteMap.newEmptyMap()
                            : NoteMap.read(walk.getObjectReader(), notesHead);
                    notes.set(trial, text, inserter);
                    CommitBuilder commit = notesHead == null
                            ? newCommit(notes.writeTree(inserter), "Outcome of trial " + trialId + "\n")
                            : newCommit(notes.writeTree(inserter), "Outcome of trial " + trialId + "\n", notesHead);
                    ObjectId notesCommit = inserter.insert(commit);
                    inserter.flush();
                    // Compare-and-swap on the notes head: a concurrent note is never overwritten, we redo ours on top.
                    RefUpdate update = repo.updateRef(OUTCOME_NOTES);
                    update.setExpectedOldObjectId(notesHead == null ? ObjectId.zeroId() : notesHead);
                    update.setNewObjectId(notesCommit);
                    RefUpdate.Result result = update.update(walk);
                    if (result == RefUpdate.Result.NEW || result == RefUpdate.Result.FAST_FORWARD) {
                        return null;
                    }
                    retryOrFail(OUTCOME_NOTES, result, attempt);
                }
            }
        });
    }

    /** The outcome note on the trial's commit, if one was written. */
    public Optional<String> outcomeNote(String trialId) {
        return io("read the outcome note of trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit trial = resolve(walk, trialId, "trial");
                Ref notesRef = repo.exactRef(OUTCOME_NOTES);
                if (notesRef == null) {
                    return Optional.<String>empty();
                }
                NoteMap notes = NoteMap.read(walk.getObjectReader(), walk.parseCommit(notesRef.getObjectId()));
                Note note = notes.getNote(trial);
                if (note == null) {
                    return Optional.<String>empty();
                }
                return Optional.of(new String(repo.open(note.getData()).getBytes(), StandardCharsets.UTF_8));
            }
        });
    }

    /** Notes ref that holds re-runs of a commit (noise-floor runs, replays); {@code git log --notes=replays}. */
    public static final String REPLAY_NOTES = "refs/notes/replays";

    /**
     * Appends {@code text} to the note on {@code commitId} in {@code notesRef} (creating the note when there is
     * none), so several re-runs of one commit each keep their paragraph. Safe under concurrent writers.
     */
    public void appendNote(String notesRef, String commitId, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("note for commit " + commitId + " is empty");
        }
        if (!notesRef.startsWith("refs/notes/")) {
            throw new IllegalArgumentException("notes ref " + notesRef + " must start with refs/notes/");
        }
        io("append a note to " + commitId + " in " + notesRef, () -> {
            try (RevWalk walk = new RevWalk(repo); ObjectInserter inserter = repo.newObjectInserter()) {
                RevCommit target = walk.parseCommit(ObjectId.fromString(commitId));
                for (int attempt = 1; ; attempt++) {
                    Ref ref = repo.exactRef(notesRef);
                    RevCommit head = ref == null ? null : walk.parseCommit(ref.getObjectId());
                    NoteMap notes = head == null ? NoteMap.newEmptyMap() : NoteMap.read(walk.getObjectReader(), head);
                    Note existing = notes.getNote(target);
                    String before = existing == null ? ""
                            : new String(repo.open(existing.getData()).getBytes(), StandardCharsets.UTF_8).strip()
                            + "\n\n";
                    notes.set(target, before + text.strip() + "\n", inserter);
                    String message = "Note on " + commitId + "\n";
                    CommitBuilder commit = head == null ? newCommit(notes.writeTree(inserter), message)
                            : newCommit(notes.writeTree(inserter), message, head);
                    ObjectId created = inserter.insert(commit);
                    inserter.flush();
                    RefUpdate update = repo.updateRef(notesRef);
                    update.setExpectedOldObjectId(head == null ? ObjectId.zeroId() : head);
                    update.setNewObjectId(created);
                    RefUpdate.Result result = update.update(walk);
                    if (result == RefUpdate.Result.NEW || result == RefUpdate.Result.FAST_FORWARD) {
                        return null;
                    }
                    retryOrFail(notesRef, result, attempt);
                }
            }
        });
    }

    /** The note on {@code commitId} in {@code notesRef}, if any. */
    public Optional<String> note(String notesRef, String commitId) {
        return io("read the note of " + commitId + " in " + notesRef, () -> {
            try (RevWalk walk = new RevWalk(repo)) {
                Ref ref = repo.exactRef(notesRef);
                if (ref == null) {
                    return Optional.<String>empty();
                }
                NoteMap notes = NoteMap.read(walk.getObjectReader(), walk.parseCommit(ref.getObjectId()));
                Note note = notes.getNote(ObjectId.fromString(commitId));
                return note == null ? Optional.<String>empty()
                        : Optional.of(new String(repo.open(note.getData()).getBytes(), StandardCharsets.UTF_8));
            }
        });
    }

    // ---------------------------------------------------------------- refs

    /** Creates {@code name} at {@code id} unless it exists; returns the id the ref holds afterwards. */
    private ObjectId createRef(String name, ObjectId id) throws IOException {
        for (int attempt = 1; ; attempt++) {
            RefUpdate update = repo.updateRef(name);
            update.setExpectedOldObjectId(ObjectId.zeroId());
            update.setNewObjectId(id);
            RefUpdate.Result result = update.update();
            if (result == RefUpdate.Result.NEW) {
                return id;
            }
            Ref existing = repo.exactRef(name);
            if (existing != null && existing.getObjectId() != null) {
                return existing.getObjectId();
            }
            retryOrFail(name, result, attempt);
        }
    }

    private void forceRef(String name, ObjectId id) throws IOException {
        for (int attempt = 1; ; attempt++) {
            RefUpdate update = repo.updateRef(name);
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            RefUpdate.Result result = update.update();
            switch (result) {
                case NEW, FORCED, FAST_FORWARD, NO_CHANGE:
                    return;
                default:
                    retryOrFail(name, result, attempt);
            }
        }
    }

    private void retryOrFail(String name, RefUpdate.Result result, int attempt) throws IOException {
        if (result != RefUpdate.Result.LOCK_FAILURE || attempt >= MAX_REF_ATTEMPTS) {
            throw new IOException("updating " + name + " failed with " + result + " after " + attempt + " attempts");
        }
        try {
            // Randomised backoff so writers that collided do not collide again in lock step.
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while retrying " + name, e);
        }
    }

    // ---------------------------------------------------------------- diffs

    /** {@link UnifiedDiff#of}: a one-file diff that {@link #recordTrial} applies (null old text adds, null new deletes). */
    public static String unifiedDiff(String path, String oldText, String newText) {
        return UnifiedDiff.of(path, oldText, newText);
    }

    // ---------------------------------------------------------------- snapshots (imports)

    /**
     * Records a trial from its whole files (or with its code unknown), as an importer of another tool's
     * history knows it; a spec without a parent becomes the root. Recording the same id again with the same
     * parent and files returns the existing commit, so an import can be repeated.
     *
     * @throws UnknownTrialException if the parent trial is not recorded
     * @throws TrialConflictException if the id is recorded with another parent or files, or a root without
     *     a parent is asked for in a lineage that already has another root
     */
    public TrialCommit recordSnapshot(SnapshotSpec spec) {
        return io("record trial " + spec.trialId(), () -> {
            try (RevWalk walk = new RevWalk(repo); ObjectInserter inserter = repo.newObjectInserter()) {
                ObjectId tree = writeSnapshotTree(spec, inserter);
                RevCommit parent = spec.parentTrialId() == null ? null
                        : resolve(walk, spec.parentTrialId(), "parent trial of " + spec.trialId());
                Ref existing = repo.exactRef(TRIAL_REFS + spec.trialId());
                if (existing != null) {
                    return sameSnapshotOrConflict(walk, spec, existing.getObjectId(), parent, tree);
                }
                Map<String, String> trailers = new LinkedHashMap<>();
                trailers.put(CommitMessages.TRIAL, spec.trialId());
                if (parent != null) {
                    trailers.put(CommitMessages.PARENT, spec.parentTrialId());
                }
                trailers.putAll(spec.trailers());
                CommitBuilder commit = parent == null
                        ? newCommit(tree, CommitMessages.compose(spec.message(), trailers))
                        : newCommit(tree, CommitMessages.compose(spec.message(), trailers), parent);
                if (spec.time() != null) {
                    PersonIdent when = new PersonIdent("Looplab", "looplab@localhost", spec.time(), java.time.ZoneOffset.UTC);
                    commit.setAuthor(when);
                    commit.setCommitter(when);
                }
                ObjectId commitId = inserter.insert(commit);
                inserter.flush();
                if (parent == null) {
                    ObjectId root = createRef(ROOT_REF, commitId);
                    if (!root.equals(commitId)) {
                        throw new TrialConflictException("lineage " + dir + " already has root trial "
                                + trailer(walk.parseCommit(root), CommitMessages.TRIAL) + ", so " + spec.trialId()
                                + " cannot become its root; import into a fresh lineage");
                    }
                }
                ObjectId recorded = createRef(TRIAL_REFS + spec.trialId(), commitId);
                if (!recorded.equals(commitId)) {
                    return sameSnapshotOrConflict(walk, spec, recorded, parent, tree);
                }
                if (parent == null) {
                    pointHeadAt(TRIAL_REFS + spec.trialId());
                }
                return new TrialCommit(spec.trialId(), commitId.name(), parent == null ? null : parent.name());
            }
        });
    }

    private ObjectId writeSnapshotTree(SnapshotSpec spec, ObjectInserter inserter) throws IOException {
        Map<String, byte[]> files = spec.codeKnown() ? spec.files() : Map.of(SnapshotSpec.CODE_UNKNOWN_FILE,
                ("# The code of trial " + spec.trialId() + " is unknown\n\nIt was imported from a history that did"
                        + " not keep its files; its parent link, hypothesis and outcome are recorded.\n")
                        .getBytes(StandardCharsets.UTF_8));
        if (files.isEmpty()) {
            throw new IllegalArgumentException("trial " + spec.trialId() + " has an empty file set;"
                    + " pass its files, or null files when its code is unknown");
        }
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
            DirCacheEntry entry = new DirCacheEntry(file.getKey());
            entry.setFileMode(FileMode.REGULAR_FILE);
            entry.setLength(file.getValue().length);
            entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue()));
            builder.add(entry);
        }
        builder.finish();
        return index.writeTree(inserter);
    }

    private TrialCommit sameSnapshotOrConflict(RevWalk walk, SnapshotSpec spec, ObjectId recordedId,
            RevCommit parent, ObjectId tree) throws IOException {
        RevCommit recorded = walk.parseCommit(recordedId);
        boolean sameParent = parent == null ? recorded.getParentCount() == 0
                : recorded.getParentCount() == 1 && recorded.getParent(0).equals(parent);
        if (!sameParent || !recorded.getTree().equals(tree)) {
            throw new TrialConflictException("trial " + spec.trialId() + " is already recorded as commit "
                    + recordedId.name() + " with " + (sameParent ? "other files" : "another parent")
                    + "; import into a fresh lineage or give the trial another id");
        }
        return new TrialCommit(spec.trialId(), recorded.name(), parent == null ? null : parent.name());
    }

    // ---------------------------------------------------------------- plumbing

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> T io(String what, IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new LineageIoException("could not " + what + " in lineage " + dir + ": " + e.getMessage(), e);
        }
    }
}
