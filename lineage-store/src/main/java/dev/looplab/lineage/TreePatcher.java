package dev.looplab.lineage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.HunkHeader;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.patch.PatchApplier;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Applies a trial's diff, already checked on its own by {@link DiffGuard}, to its parent's tree in memory, after
 * refusing what does not fit that parent: a change to a file it lacks, a stale deletion, an add over a file.
 */
final class TreePatcher {

    // JGit prints hunks as HunkHeader[3,3->3,4]; show them as the @@ line the proposer wrote.
    private static final Pattern JGIT_HUNK = Pattern.compile("HunkHeader\\[(\\d+),(\\d+)->(\\d+),(\\d+)]");

    private final Repository git;

    TreePatcher(Repository git) {
        this.git = git;
    }

    /** Refuses a patch whose files do not fit the parent's tree; nothing is written. */
    void checkTargets(String trialId, String parentId, Patch patch, RevTree parentTree, ObjectReader reader)
            throws IOException {
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

    /** The trial's tree, its new objects given to {@code inserter}. */
    ObjectId apply(TrialSpec spec, Patch patch, RevTree parentTree, ObjectInserter inserter) throws IOException {
        PatchApplier.Result result;
        try {
            result = new PatchApplier(git, parentTree, inserter).applyPatch(patch);
        } catch (RuntimeException e) {
            // JGit signals bad paths and directory/file clashes with unchecked exceptions.
            throw DiffGuard.reject(spec.trialId(), "diff cannot be applied to parent trial "
                    + spec.parentTrialId() + ": " + e.getMessage() + "; regenerate it against the parent's files");
        }
        if (!result.getErrors().isEmpty()) {
            String errors = result.getErrors().stream().map(TreePatcher::describeApplyError)
                    .collect(Collectors.joining("; "));
            throw DiffGuard.reject(spec.trialId(), "diff does not apply to parent trial "
                    + spec.parentTrialId() + ": " + errors
                    + "; regenerate the diff against the parent's current files (LineageStore.readFile)");
        }
        return result.getTreeId();
    }

    private static String describeApplyError(PatchApplier.Result.Error error) {
        return JGIT_HUNK.matcher(error.toString())
                .replaceAll("'@@ -$1,$2 +$3,$4 @@' (old line $1)");
    }
}
