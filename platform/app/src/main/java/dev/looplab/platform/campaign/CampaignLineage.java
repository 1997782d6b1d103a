package dev.looplab.platform.campaign;

import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/** A campaign's trials as {@link LineageRow}s, oldest first, beginning with the task's root. */
@ApplicationScoped
public class CampaignLineage {
    static final int HYPOTHESIS_CHARS = 300;
    static final int FEEDBACK_CHARS = 600;

    @Inject
    TrialRepository trials;

    /** Call inside a transaction. */
    public List<LineageRow> rows(Campaign campaign) {
        List<LineageRow> rows = new ArrayList<>();
        Trial root = campaign.rootTrialId == null ? null : trials.findById(campaign.rootTrialId);
        if (root != null && !campaign.id.equals(root.campaignId)) {
            rows.add(row(root)); // the root belongs to the task's first campaign, and is every campaign's start
        }
        trials.list("campaignId = ?1 and kind in ?2", Sort.ascending("createdAt").and("id"), campaign.id,
                List.of(Trial.KIND_ROOT, Trial.KIND_PROPOSAL)).forEach(t -> rows.add(row(t)));
        return rows;
    }

    static LineageRow row(Trial t) {
        return new LineageRow(t.id, t.parentTrialId, t.specialist, t.surface, t.kind, t.status, t.score,
                t.deltaVsParent, t.deltaVsBest, t.expectedDelta, t.knobChanges(), shorten(firstLine(t.hypothesis),
                HYPOTHESIS_CHARS), shorten(t.feedback, FEEDBACK_CHARS), t.artifactBytes, t.trainSeconds, t.model,
                t.tokensIn, t.tokensOut, t.createdAt.toEpochMilli(), t.recordedAt == null ? null
                : t.recordedAt.toEpochMilli());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String shorten(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 3) + "...";
    }
}
