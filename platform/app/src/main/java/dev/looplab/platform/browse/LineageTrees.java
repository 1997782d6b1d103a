package dev.looplab.platform.browse;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialNode;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.trial.TrialStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A campaign's tree from the task's lineage ({@link LineageStore#treeRows}, milliseconds at 100,000 trials): the
 * lineage holds every campaign of the task, so only this campaign's trials and the ancestors joining them to the
 * root stay; statuses and scores come from Postgres, which knows the trials still in flight.
 */
@ApplicationScoped
class LineageTrees {
    @Inject
    LineageService lineage;
    @Inject
    BrowseQueries queries;

    private record Known(TrialStatus status, Double score, boolean committed) {
    }

    /**
     * The campaign's tree, or with {@code under} the subtree of that trial, folded to at most {@code limit} drawn
     * nodes ({@link TreeFolds}).
     */
    LineageTree tree(Campaign campaign, int limit, String under) {
        Map<String, Known> known = queries.query("select id, status, score, commit_id is not null from trial"
                + " where campaign_id = ? and kind in ('root', 'proposal')", List.of(campaign.id), rs -> {
                    Map<String, Known> out = new HashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), new Known(TrialStatus.of(rs.getString(2)).orElse(null),
                                BrowseQueries.nullableDouble(rs, 3), rs.getBoolean(4)));
                    }
                    return out;
                });
        LineageStore store = lineage.store(campaign.task);
        List<TrialNode> rows = store.treeRows();
        Map<String, String> parents = new HashMap<>(rows.size() * 2);
        rows.forEach(r -> parents.put(r.trialId(), r.parentTrialId()));
        Set<String> shown = new HashSet<>();
        for (TrialNode row : rows) {
            if (known.containsKey(row.trialId()) || row.trialId().equals(campaign.rootTrialId)) {
                // the trial and every ancestor up to one already shown, so the tree stays connected
                for (String id = row.trialId(); id != null && shown.add(id); id = parents.get(id)) {
                }
            }
        }
        List<LineageTree.Node> nodes = new ArrayList<>(shown.size());
        for (TrialNode row : rows) {
            if (shown.contains(row.trialId())) {
                Known k = known.get(row.trialId());
                nodes.add(new LineageTree.Node(row.trialId(), row.parentTrialId(), row.depth(), row.specialist(),
                        k != null && k.status() != null ? k.status() : row.status(),
                        k != null && k.score() != null ? k.score() : row.score(), 0));
            }
        }
        List<String> chain = campaign.bestTrialId == null || !shown.contains(campaign.bestTrialId) ? List.of()
                : store.chainRows(campaign.bestTrialId).stream().map(TrialNode::trialId).toList();
        long withoutCommit = known.values().stream().filter(k -> !k.committed()).count();
        List<LineageTree.Node> part = nodes;
        if (under != null) {
            int from = 0;
            while (from < nodes.size() && !nodes.get(from).id().equals(under)) {
                from++;
            }
            if (from == nodes.size()) {
                throw new NotFoundException("trial '" + under + "' is not in the tree of campaign '" + campaign.id
                        + "': GET /api/campaigns/" + campaign.id + "/tree lists its trials");
            }
            // depth first: the subtree is the rows after it until one as shallow as it
            int to = from + 1;
            while (to < nodes.size() && nodes.get(to).depth() > nodes.get(from).depth()) {
                to++;
            }
            part = nodes.subList(from, to);
        }
        return new LineageTree(campaign.id, campaign.task, campaign.rootTrialId, campaign.bestTrialId,
                queries.query("select direction from trial where campaign_id = ? and direction is not null limit 1",
                        List.of(campaign.id), rs -> rs.next() ? rs.getString(1) : null),
                TreeFolds.fold(part, under == null ? chain : List.of(under), limit), chain, withoutCommit,
                nodes.size(), under);
    }
}
