package dev.looplab.platform.browse;

import dev.looplab.trial.TrialStatus;

import java.util.List;

/**
 * A campaign's tree of tries as rows from the root down (depth first, siblings oldest first), each with its
 * status (the database's: in-flight trials too) and score; {@code bestChain} lists the trials from the root to the
 * best, root first. Trials refused before they had a commit are not in the tree ({@code withoutCommit} counts them).
 */
public record LineageTree(String campaign, String task, String rootTrialId, String bestTrialId, String direction,
                          List<Node> nodes, List<String> bestChain, long withoutCommit) {

    /** One trial of the tree. */
    public record Node(String id, String parent, int depth, String specialist, TrialStatus status, Double score) {
    }
}
