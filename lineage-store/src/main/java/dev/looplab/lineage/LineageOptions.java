package dev.looplab.lineage;

import dev.looplab.diff.RecipePaths;
import java.util.Set;

/**
 * Limits a store applies to every recorded diff.
 *
 * @param maxDiffBytes largest accepted diff, in UTF-8 bytes
 * @param evaluatorOwnedPaths recipe paths no trial may touch; an entry ending in {@code /} covers a
 *     whole folder
 */
public record LineageOptions(long maxDiffBytes, Set<String> evaluatorOwnedPaths) {

    /** 256 KiB: far above any honest recipe edit, small enough to keep a lineage clonable. */
    public static final long DEFAULT_MAX_DIFF_BYTES = 256 * 1024;

    public LineageOptions {
        if (maxDiffBytes <= 0) {
            throw new IllegalArgumentException("maxDiffBytes must be positive, was " + maxDiffBytes);
        }
        evaluatorOwnedPaths = Set.copyOf(evaluatorOwnedPaths);
        for (String path : evaluatorOwnedPaths) {
            String problem = RecipePaths.problem(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
            if (problem != null) {
                throw new IllegalArgumentException("evaluator-owned path '" + path + "' " + problem
                        + "; give paths relative to the recipe root, like 'Evaluate.java' or 'eval/'");
            }
        }
    }

    /** Default limits and no evaluator-owned paths. */
    public static LineageOptions defaults() {
        return new LineageOptions(DEFAULT_MAX_DIFF_BYTES, Set.of());
    }

    /** A copy that also refuses diffs touching the given paths. */
    public LineageOptions withEvaluatorOwnedPaths(Set<String> paths) {
        return new LineageOptions(maxDiffBytes, paths);
    }

    /** A copy with another diff size limit. */
    public LineageOptions withMaxDiffBytes(long bytes) {
        return new LineageOptions(bytes, evaluatorOwnedPaths);
    }

    boolean isEvaluatorOwned(String path) {
        for (String owned : evaluatorOwnedPaths) {
            if (owned.endsWith("/") ? path.startsWith(owned) : path.equals(owned)) {
                return true;
            }
        }
        return false;
    }
}
