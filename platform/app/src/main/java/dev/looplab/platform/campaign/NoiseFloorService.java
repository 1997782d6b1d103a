package dev.looplab.platform.campaign;

import dev.looplab.evaluation.KeepRule;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The task's noise floor in one campaign: the spread of the baseline's score over seeds, from the
 * root trial and the campaign's noise runs (the baseline's commit run again with other seeds).
 */
@ApplicationScoped
public class NoiseFloorService {

    @Inject
    TrialRepository trials;

    /** Null until at least {@link KeepRule#MIN_NOISE_RUNS} baseline runs are scored. Call inside a transaction. */
    public KeepRule.NoiseFloor noiseFloor(Campaign campaign) {
        List<Double> scores = trials.list(
                        "campaignId = ?1 and score is not null and (kind = ?2 or (kind = ?3 and id = ?4))",
                        campaign.id, Trial.KIND_NOISE, Trial.KIND_ROOT, campaign.rootTrialId).stream()
                .map(t -> t.score)
                .toList();
        return KeepRule.NoiseFloor.of(scores);
    }
}
