package dev.looplab.platform.browse;

import dev.looplab.trial.TrialStatus;

import java.util.List;

/**
 * A campaign's tree of tries as rows from the root down (depth first, siblings oldest first), each with its
 * status (the database's: in-flight trials too) and score; {@code bestChain} lists the trials from the root to the
 * best, root first. Trials refused before they had a commit are not in the tree ({@code withoutCommit} counts them).
 * A tree larger than the asked limit comes folded ({@link TreeFolds}): {@code total} counts every trial of the
 * campaign's tree, and a folded node's {@code hidden} the trials below it that were not sent; {@code under} is the
 * trial whose subtree was asked for (null for the whole tree).
 */
public record LineageTree(String campaign, String task, String rootTrialId, String bestTrialId, String direction,
                          List<Node> nodes, List<String> bestChain, long withoutCommit, long total, String under) {

    /** One trial of the tree; {@code hidden} trials below it were left out (folded), 0 when its children were sent. */
    public record Node(String id, String parent, int depth, String specialist, TrialStatus status, Double score,
                       long hidden) {

        Node hiding(long count) {
            return new Node(id, parent, depth, specialist, status, score, count);
        }
    }
}
