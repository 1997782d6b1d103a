package dev.looplab.lineage;

import dev.looplab.diff.RecipePaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.FileHeader.PatchType;
import org.eclipse.jgit.patch.FormatError;
import org.eclipse.jgit.patch.Patch;

/** Parses a trial's diff and refuses what must never reach the lineage, before any object is written. */
final class DiffGuard {

    private DiffGuard() {
    }

    /** The parsed patch, or a {@link DiffRejectedException} naming the first problem and its fix. */
    static Patch parse(String trialId, String diff, LineageOptions options) {
        byte[] bytes = diff.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > options.maxDiffBytes()) {
            throw reject(trialId, "diff is " + bytes.length + " bytes, over the limit of "
                    + options.maxDiffBytes() + " bytes; split the change into smaller trials");
        }
        if (diff.isBlank()) {
            throw reject(trialId, "diff is empty; submit a unified diff (diff --git a/P b/P, ---, +++, @@ hunks)"
                    + " against the parent trial's recipe");
        }
        Patch patch = new Patch();
        patch.parse(bytes, 0, bytes.length);
        List<String> errors = new ArrayList<>();
        for (FormatError error : patch.getErrors()) {
            if (error.getSeverity() == FormatError.Severity.ERROR) {
                errors.add(error.getMessage() + " at '" + error.getLineText().strip() + "'");
            }
        }
        if (!errors.isEmpty()) {
            throw reject(trialId, "diff is not a valid unified diff: " + String.join("; ", errors)
                    + "; regenerate it with 'git diff' or UnifiedDiff.of");
        }
        if (patch.getFiles().isEmpty()) {
            throw reject(trialId, "diff has no file changes (no 'diff --git' or '---/+++' headers found);"
                    + " submit a unified diff against the parent trial's recipe");
        }
        for (FileHeader file : patch.getFiles()) {
            check(trialId, file, options);
        }
        return patch;
    }

    private static void check(String trialId, FileHeader file, LineageOptions options) {
        ChangeType type = file.getChangeType();
        List<String> paths = new ArrayList<>();
        if (type != ChangeType.ADD) {
            paths.add(file.getOldPath());
        }
        if (type != ChangeType.DELETE && !paths.contains(file.getNewPath())) {
            paths.add(file.getNewPath());
        }
        for (String path : paths) {
            String problem = RecipePaths.problem(path);
            if (problem != null) {
                throw reject(trialId, "path '" + path + "' " + problem
                        + "; a diff may only touch files inside the recipe, relative to its root");
            }
            if (options.isEvaluatorOwned(path)) {
                throw reject(trialId, "path '" + path + "' is owned by the evaluator and outside every"
                        + " surface; leave it unchanged and edit only the recipe files of your surface");
            }
        }
        String shown = paths.get(paths.size() - 1);
        if (file.getPatchType() != PatchType.UNIFIED) {
            throw reject(trialId, "diff of '" + shown + "' is a binary patch; recipes are text, send a"
                    + " textual unified diff (binary assets belong in the task's data, not the recipe)");
        }
        if (type != ChangeType.DELETE) {
            FileMode mode = file.getNewMode();
            if (mode != null && mode != FileMode.MISSING && mode != FileMode.REGULAR_FILE
                    && mode != FileMode.EXECUTABLE_FILE) {
                throw reject(trialId, "diff gives '" + shown + "' mode " + mode
                        + "; only regular files (100644, 100755) may be in a recipe, not links or submodules");
            }
        }
        if (type == ChangeType.MODIFY && file.getHunks().isEmpty() && !file.hasMetaDataChanges()) {
            throw reject(trialId, "diff of '" + shown + "' has no hunks; add the @@ hunks of the change");
        }
    }

    static DiffRejectedException reject(String trialId, String reason) {
        return new DiffRejectedException("trial " + trialId + " refused: " + reason);
    }
}
