package dev.looplab.lineage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a proposer submits for one trial: the parent to start from, who proposes it, why, and the
 * unified diff against the parent's recipe; {@code trailers} are more commit trailers to record (for example
 * {@code Looplab-Model} of a proposal written by a language model), each key {@code Looplab-*}.
 */
public record TrialSpec(String trialId, String parentTrialId, String campaign, String specialist,
        String surface, String hypothesis, String diff, Map<String, String> trailers) {

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
        trailers = trailers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trailers));
        for (Map.Entry<String, String> t : trailers.entrySet()) {
            if (!t.getKey().matches("Looplab-[A-Z][A-Za-z-]*") || CommitMessages.STANDARD.contains(t.getKey())) {
                throw new IllegalArgumentException("trailer '" + t.getKey() + "' of trial " + trialId
                        + " is not an extra Looplab trailer; name it Looplab-Something, not one of "
                        + CommitMessages.STANDARD);
            }
            Ids.requireOneLine(t.getKey(), t.getValue());
        }
    }

    /** A trial with the standard trailers only. */
    public TrialSpec(String trialId, String parentTrialId, String campaign, String specialist, String surface,
                     String hypothesis, String diff) {
        this(trialId, parentTrialId, campaign, specialist, surface, hypothesis, diff, Map.of());
    }
}
