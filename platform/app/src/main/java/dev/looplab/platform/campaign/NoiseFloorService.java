package dev.looplab.platform.campaign;

import dev.looplab.evaluation.KeepRule;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task's noise floor in one campaign: the spread of a recipe's score over seeds, pooled over the baseline
 * (the root trial and the noise runs of its commit) and every candidate run again to confirm it (the candidate
 * and its confirmation runs), so it sharpens as the campaign goes on.
 */
@ApplicationScoped
public class NoiseFloorService {

    @Inject
    TrialRepository trials;

    /** Null until some recipe has {@link KeepRule#MIN_NOISE_RUNS} scored runs. Call inside a transaction. */
    public KeepRule.NoiseFloor noiseFloor(Campaign campaign) {
        List<List<Double>> groups = new ArrayList<>();
        groups.add(baselineRuns(campaign));
        Map<String, List<Double>> confirmed = new LinkedHashMap<>();
        for (Trial run : trials.list("campaignId = ?1 and kind = ?2 and score is not null", campaign.id,
                Trial.KIND_CONFIRM)) {
            confirmed.computeIfAbsent(run.replayOf, candidate -> {
                Trial c = trials.findById(candidate);
                List<Double> scores = new ArrayList<>();
                if (c != null && c.score != null) {
                    scores.add(c.score);
                }
                return scores;
            }).add(run.score);
        }
        groups.addAll(confirmed.values());
        return KeepRule.NoiseFloor.pooled(groups);
    }

    /** The scores of the baseline: the root trial and the noise runs of its commit. */
    public List<Double> baselineRuns(Campaign campaign) {
        return trials.list("campaignId = ?1 and score is not null and (kind = ?2 or (kind = ?3 and id = ?4))",
                        campaign.id, Trial.KIND_NOISE, Trial.KIND_ROOT, campaign.rootTrialId).stream()
                .map(t -> t.score).toList();
    }

    /** Every scored run of the recipe of {@code trial}: the trial and its confirmation runs (the baseline's for the root). */
    public List<Double> runsOf(Campaign campaign, Trial trial) {
        if (trial.id.equals(campaign.rootTrialId)) {
            return baselineRuns(campaign);
        }
        List<Double> runs = new ArrayList<>();
        if (trial.score != null) {
            runs.add(trial.score);
        }
        trials.list("kind = ?1 and replayOf = ?2 and score is not null", Trial.KIND_CONFIRM, trial.id)
                .forEach(t -> runs.add(t.score));
        return runs;
    }
}
