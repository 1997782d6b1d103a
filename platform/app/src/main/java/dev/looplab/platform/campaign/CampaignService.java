package dev.looplab.platform.campaign;

import dev.looplab.trial.TrialStatus;

import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialCommit;
import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Opens the configured campaign at start: the task's baseline recipe becomes the root commit and
 * root trial, which is run first so every later trial has a score to beat.
 */
@ApplicationScoped
public class CampaignService {
    private static final Logger LOG = Logger.getLogger(CampaignService.class);

    @Inject
    LooplabConfig config;
    @Inject
    CampaignRepository campaigns;
    @Inject
    TrialRepository trials;
    @Inject
    LineageService lineage;
    @Inject
    TaskService tasks;
    @Inject
    RunScheduler runs;

    void onStart(@Observes StartupEvent event) {
        openCampaign(config.campaign().id(), config.campaign().task());
        runs.resumeQueuedTrials();
    }

    /** Creates the campaign (and the task's root trial when the task is new); a no-op when it exists. */
    public Campaign openCampaign(String campaignId, String task) {
        TaskDefinition definition = tasks.find(task);
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign existing = campaigns.findById(campaignId);
            if (existing != null) {
                if (!existing.task.equals(task)) {
                    throw new IllegalStateException("campaign '" + campaignId + "' already runs task '"
                            + existing.task + "', not '" + task + "': choose another LOOPLAB_CAMPAIGN");
                }
                return existing;
            }
            Trial root = trials.findRoot(task).orElse(null);
            Campaign campaign = new Campaign();
            campaign.id = campaignId;
            campaign.task = task;
            campaign.rootTrialId = root != null ? root.id : trials.nextTrialId();
            if (root != null && root.score != null) {
                campaign.bestTrialId = root.id;
                campaign.bestScore = root.score;
                lineage.store(task).moveBest(campaignId, root.id);
            }
            // the campaign row goes first: the root trial refers to it
            campaigns.persist(campaign);
            campaigns.flush();
            Trial baseline = root != null ? root : createRoot(campaign.rootTrialId, campaignId, definition);
            createNoiseRuns(campaign, baseline);
            LOG.infof("opened campaign %s on task %s (root trial %s)", campaignId, task, campaign.rootTrialId);
            return campaign;
        });
    }

    private Trial createRoot(String rootId, String campaignId, TaskDefinition definition) {
        String task = definition.name();
        LineageStore store = lineage.store(task);
        TrialCommit commit = store.initRoot(rootId, tasks.recipeDir(task), "Baseline recipe of " + task);
        Trial root = new Trial();
        root.id = commit.trialId();
        root.campaignId = campaignId;
        root.task = task;
        root.specialist = "baseline";
        root.surface = "all";
        root.hypothesis = "Baseline recipe of " + task;
        root.commitId = commit.commitId();
        root.kind = Trial.KIND_ROOT;
        root.status = TrialStatus.queued;
        trials.persist(root);
        return root;
    }

    /**
     * Queues the baseline's commit again with other seeds: their spread is the task's noise floor, which
     * the keep rule needs a gain to clear. They never compete for the best.
     */
    private void createNoiseRuns(Campaign campaign, Trial baseline) {
        long seed = config.campaign().seed();
        for (int k = 1; k <= config.campaign().noiseRuns(); k++) {
            Trial run = new Trial();
            run.id = trials.nextTrialId();
            run.campaignId = campaign.id;
            run.task = campaign.task;
            run.kind = Trial.KIND_NOISE;
            run.specialist = "noise-floor";
            run.surface = "all";
            run.parentTrialId = baseline.id;
            run.commitId = baseline.commitId;
            run.seed = seed + k;
            run.hypothesis = "Noise floor: the baseline (trial " + baseline.id + ") again with seed " + run.seed;
            run.status = TrialStatus.queued;
            trials.persist(run);
        }
    }
}
