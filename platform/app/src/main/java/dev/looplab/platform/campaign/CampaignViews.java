package dev.looplab.platform.campaign;

import dev.looplab.evaluation.KeepRule;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;

/** Builds {@link CampaignView}s, sharing the live workers fairly among the running campaigns. */
@ApplicationScoped
public class CampaignViews {

    @Inject
    TrialRepository trials;
    @Inject
    RunScheduler runs;
    @Inject
    NoiseFloorService noiseFloors;
    @Inject
    CampaignRules rules;
    @Inject
    WorkerPool workers;
    @Inject
    CampaignRepository campaigns;

    /** Every campaign, oldest first; call inside a transaction. */
    public List<CampaignView> all() {
        List<Campaign> all = campaigns.listAll(Sort.ascending("createdAt").and("id"));
        List<Campaign> running = all.stream().filter(Campaign::isRunning).toList();
        int live = workers.liveWorkers();
        return all.stream().map(c -> view(c, running, live)).toList();
    }

    /** One campaign; call inside a transaction. */
    public CampaignView of(Campaign campaign) {
        List<Campaign> running = campaigns.list("state", Sort.ascending("createdAt").and("id"), CampaignState.running);
        return view(campaign, running, workers.liveWorkers());
    }

    private CampaignView view(Campaign c, List<Campaign> running, int liveWorkers) {
        String direction = c.bestTrialId == null ? null : trials.findByIdOptional(c.bestTrialId).map(t -> t.direction)
                .orElse(null);
        Trial root = c.rootTrialId == null ? null : trials.findById(c.rootTrialId);
        KeepRule.NoiseFloor noise = noiseFloors.noiseFloor(c);
        CampaignRules.Counts counts = rules.counts(c);
        Long remaining = c.maxTrials == null ? null : Math.max(0, c.maxTrials - counts.trials());
        int budget;
        try {
            budget = runs.trainBudgetSeconds(c.task);
        } catch (RuntimeException e) {
            budget = 0; // an imported history has no task.yaml
        }
        return new CampaignView(c.id, c.task, c.rootTrialId, c.bestTrialId, c.bestScore, direction,
                counts.inFlight(), counts.recorded(), budget, c.state, c.team, c.stopReason,
                new CampaignView.Limits(c.maxTrials, c.maxHours, c.stopAfterNoKeep), counts, remaining,
                c.hoursRunning(Instant.now()), root == null ? null : root.score,
                noise == null ? null : new CampaignView.NoiseFloor(noise.sigma(), noise.runs(), noise.mean()),
                liveWorkers, slots(c, running, liveWorkers), c.createdAt, c.stateChangedAt);
    }

    /**
     * The campaign's fair share of the live workers: an equal part each, the remainder to the oldest campaigns, at
     * least one (so a campaign queues a trial before any worker joins); none when it is not running.
     */
    static int slots(Campaign c, List<Campaign> running, int liveWorkers) {
        int index = -1;
        for (int i = 0; i < running.size(); i++) {
            if (running.get(i).id.equals(c.id)) {
                index = i;
            }
        }
        if (index < 0) {
            return 0;
        }
        int n = running.size();
        int share = liveWorkers / n + (index < liveWorkers % n ? 1 : 0);
        return Math.max(1, share);
    }
}
