package dev.looplab.lineage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Records trials from whole files rather than diffs: the root from the task's recipe folder, and the snapshots an
 * importer knows of another tool's history. The root ref is created by compare-and-swap, so there is only ever one.
 */
final class SnapshotWriter {

    private final LineageRepository lineage;
    private final Repository git;
    private final Refs refs;

    SnapshotWriter(LineageRepository lineage, Refs refs) {
        this.lineage = lineage;
        this.git = lineage.git;
        this.refs = refs;
    }

    TrialCommit initRoot(String rootTrialId, Path recipeDir, String message) {
        Ids.requireId("rootTrialId", rootTrialId);
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message of root trial " + rootTrialId
                    + " is empty; describe the baseline recipe in a line");
        }
        if (!Files.isDirectory(recipeDir)) {
            throw new IllegalArgumentException("recipe folder " + recipeDir + " of root trial " + rootTrialId
                    + " is not a directory; pass the folder that holds the task's baseline recipe");
        }
        return lineage.io("record root trial " + rootTrialId, () -> {
            try (RevWalk walk = new RevWalk(git); ObjectInserter inserter = git.newObjectInserter()) {
                ObjectId tree = writeRecipeTree(recipeDir, inserter);
                Ref existing = git.exactRef(LineageStore.ROOT_REF);
                ObjectId rootId;
                if (existing != null) {
                    rootId = existing.getObjectId();
                } else {
                    CommitBuilder commit = LineageRepository.newCommit(tree, CommitMessages.compose(message,
                            Map.of(CommitMessages.TRIAL, rootTrialId)));
                    ObjectId created = inserter.insert(commit);
                    inserter.flush();
                    rootId = refs.create(LineageStore.ROOT_REF, created);
                }
                RevCommit root = walk.parseCommit(rootId);
                String existingId = LineageRepository.trailer(root, CommitMessages.TRIAL);
                if (!rootTrialId.equals(existingId)) {
                    throw new TrialConflictException("lineage " + lineage.dir + " already has root trial " + existingId
                            + ", not " + rootTrialId + "; use a fresh repository per task or pass the existing root id");
                }
                if (!root.getTree().equals(tree)) {
                    throw new TrialConflictException("root trial " + rootTrialId + " is already recorded with"
                            + " other files than " + recipeDir + "; record recipe changes as trials,"
                            + " or start a new task repository for a new baseline");
                }
                ObjectId trialRef = refs.create(LineageStore.TRIAL_REFS + rootTrialId, rootId);
                if (!trialRef.equals(rootId)) {
                    throw new TrialConflictException("trial id " + rootTrialId + " already names commit "
                            + trialRef.name() + ", not the root " + rootId.name() + "; pick another root id");
                }
                refs.pointHeadAt(LineageStore.TRIAL_REFS + rootTrialId);
                return new TrialCommit(rootTrialId, rootId.name(), null);
            }
        });
    }

    private static ObjectId writeRecipeTree(Path recipeDir, ObjectInserter inserter) throws IOException {
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
                if (attrs.isRegularFile()) {
                    String path = recipeDir.relativize(file).toString()
                            .replace(file.getFileSystem().getSeparator(), "/");
                    add(builder, path, isExecutable(file) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE,
                            Files.readAllBytes(file), inserter);
                }
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

    private static void add(DirCacheBuilder builder, String path, FileMode mode, byte[] content,
            ObjectInserter inserter) throws IOException {
        DirCacheEntry entry = new DirCacheEntry(path);
        entry.setFileMode(mode);
        entry.setLength(content.length);
        entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, content));
        builder.add(entry);
    }

    private static boolean isExecutable(Path file) {
        try {
            return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    TrialCommit record(SnapshotSpec spec) {
        return lineage.io("record trial " + spec.trialId(), () -> {
            try (RevWalk walk = new RevWalk(git); ObjectInserter inserter = git.newObjectInserter()) {
                ObjectId tree = writeSnapshotTree(spec, inserter);
                RevCommit parent = spec.parentTrialId() == null ? null
                        : lineage.trial(walk, spec.parentTrialId(), "parent trial of " + spec.trialId());
                Ref existing = git.exactRef(LineageStore.TRIAL_REFS + spec.trialId());
                if (existing != null) {
                    return sameSnapshotOrConflict(walk, spec, existing.getObjectId(), parent, tree);
                }
                ObjectId commitId = inserter.insert(snapshotCommit(spec, tree, parent));
                inserter.flush();
                if (parent == null) {
                    ObjectId root = refs.create(LineageStore.ROOT_REF, commitId);
                    if (!root.equals(commitId)) {
                        throw new TrialConflictException("lineage " + lineage.dir + " already has root trial "
                                + LineageRepository.trailer(walk.parseCommit(root), CommitMessages.TRIAL) + ", so "
                                + spec.trialId() + " cannot become its root; import into a fresh lineage");
                    }
                }
                ObjectId recorded = refs.create(LineageStore.TRIAL_REFS + spec.trialId(), commitId);
                if (!recorded.equals(commitId)) {
                    return sameSnapshotOrConflict(walk, spec, recorded, parent, tree);
                }
                if (parent == null) {
                    refs.pointHeadAt(LineageStore.TRIAL_REFS + spec.trialId());
                }
                return new TrialCommit(spec.trialId(), commitId.name(), parent == null ? null : parent.name());
            }
        });
    }

    /**
     * Records many non-root snapshots at once, parents before children (a parent may be earlier in the list): the
     * objects go into one pack and the new trial refs into one atomic ref transaction. A trial already recorded is
     * compared as {@link #record} does; a ref that another writer took meanwhile is recorded alone again.
     */
    java.util.List<TrialCommit> recordAll(java.util.List<SnapshotSpec> specs) {
        return lineage.io("record " + specs.size() + " trials", () -> {
            java.util.List<TrialCommit> out = new java.util.ArrayList<>();
            java.util.Map<String, ObjectId> made = new java.util.HashMap<>();
            java.util.List<SnapshotSpec> created = new java.util.ArrayList<>();
            org.eclipse.jgit.lib.BatchRefUpdate batch = git.getRefDatabase().newBatchUpdate().setAtomic(true);
            boolean pack = git.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory;
            try (ObjectInserter inserter = pack
                    ? ((org.eclipse.jgit.internal.storage.file.ObjectDirectory) git.getObjectDatabase())
                            .newPackInserter() : git.newObjectInserter();
                    org.eclipse.jgit.lib.ObjectReader reader = inserter.newReader();
                    RevWalk walk = new RevWalk(reader)) {
                for (SnapshotSpec spec : specs) {
                    if (spec.parentTrialId() == null) {
                        throw new IllegalArgumentException("trial " + spec.trialId() + " has no parent; record the"
                                + " root alone with recordSnapshot");
                    }
                    ObjectId tree = writeSnapshotTree(spec, inserter);
                    ObjectId parentId = made.get(spec.parentTrialId());
                    RevCommit parent = parentId != null ? walk.parseCommit(parentId)
                            : lineage.trial(walk, spec.parentTrialId(), "parent trial of " + spec.trialId());
                    Ref existing = git.exactRef(LineageStore.TRIAL_REFS + spec.trialId());
                    if (existing != null) {
                        out.add(sameSnapshotOrConflict(walk, spec, existing.getObjectId(), parent, tree));
                        made.put(spec.trialId(), existing.getObjectId());
                        continue;
                    }
                    ObjectId commitId = inserter.insert(snapshotCommit(spec, tree, parent));
                    made.put(spec.trialId(), commitId);
                    created.add(spec);
                    batch.addCommand(new org.eclipse.jgit.transport.ReceiveCommand(ObjectId.zeroId(), commitId,
                            LineageStore.TRIAL_REFS + spec.trialId()));
                    out.add(new TrialCommit(spec.trialId(), commitId.name(), parent.name()));
                }
                // Objects reach the disk before any ref names them.
                inserter.flush();
            }
            if (batch.getCommands().isEmpty()) {
                return out;
            }
            try (RevWalk walk = new RevWalk(git)) {
                batch.execute(walk, org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE);
            }
            boolean allOk = batch.getCommands().stream()
                    .allMatch(c -> c.getResult() == org.eclipse.jgit.transport.ReceiveCommand.Result.OK);
            if (!allOk) {
                // another writer took one of the ids: each goes alone, by compare-and-swap, and conflicts say so
                for (SnapshotSpec spec : created) {
                    record(spec);
                }
            }
            return out;
        });
    }

    private static CommitBuilder snapshotCommit(SnapshotSpec spec, ObjectId tree, RevCommit parent) {
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put(CommitMessages.TRIAL, spec.trialId());
        if (parent != null) {
            trailers.put(CommitMessages.PARENT, spec.parentTrialId());
        }
        trailers.putAll(spec.trailers());
        String message = CommitMessages.compose(spec.message(), trailers);
        CommitBuilder commit = parent == null ? LineageRepository.newCommit(tree, message)
                : LineageRepository.newCommit(tree, message, parent);
        if (spec.time() != null) {
            PersonIdent when = new PersonIdent("Looplab", "looplab@localhost", spec.time(), ZoneOffset.UTC);
            commit.setAuthor(when);
            commit.setCommitter(when);
        }
        return commit;
    }

    private static ObjectId writeSnapshotTree(SnapshotSpec spec, ObjectInserter inserter) throws IOException {
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
            add(builder, file.getKey(), FileMode.REGULAR_FILE, file.getValue(), inserter);
        }
        builder.finish();
        return index.writeTree(inserter);
    }

    private static TrialCommit sameSnapshotOrConflict(RevWalk walk, SnapshotSpec spec, ObjectId recordedId,
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
}
