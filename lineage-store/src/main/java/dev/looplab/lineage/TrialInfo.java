package dev.looplab.lineage;

import java.util.Map;

/**
 * A recorded trial read back from Git. For the root trial {@code parentTrialId}, {@code campaign},
 * {@code specialist} and {@code surface} are null.
 *
 * @param hypothesis the commit message without its trailer block
 * @param trailers every git trailer of the commit message, in order (key to last value)
 */
public record TrialInfo(String trialId, String commitId, String parentTrialId, String campaign,
        String specialist, String surface, String hypothesis, Map<String, String> trailers) {

    public TrialInfo {
        trailers = Map.copyOf(trailers);
    }

    /** True for the task's baseline recipe (trial 0), which has no parent. */
    public boolean isRoot() {
        return parentTrialId == null;
    }
}
