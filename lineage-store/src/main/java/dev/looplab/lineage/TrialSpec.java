package dev.looplab.lineage;

/**
 * What a proposer submits for one trial: the parent to start from, who proposes it, why, and the
 * unified diff against the parent's recipe.
 */
public record TrialSpec(String trialId, String parentTrialId, String campaign, String specialist,
        String surface, String hypothesis, String diff) {

    public TrialSpec {
        Ids.requireId("trialId", trialId);
        Ids.requireId("parentTrialId", parentTrialId);
        Ids.requireId("campaign", campaign);
        Ids.requireOneLine("specialist", specialist);
        Ids.requireOneLine("surface", surface);
        if (hypothesis == null || hypothesis.isBlank()) {
            throw new IllegalArgumentException("hypothesis of trial " + trialId
                    + " is empty; say in a sentence what the diff should change and why");
        }
        if (diff == null) {
            throw new IllegalArgumentException("diff of trial " + trialId
                    + " is null; pass the unified diff against the parent trial's recipe");
        }
        if (trialId.equals(parentTrialId)) {
            throw new IllegalArgumentException("trial " + trialId
                    + " names itself as parent; pass the id of an already recorded trial");
        }
    }
}
