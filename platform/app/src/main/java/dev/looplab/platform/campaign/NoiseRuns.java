package dev.looplab.platform.campaign;

import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.TrialStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs of the baseline's commit with other seeds: their spread is the task's noise floor, which the keep rule
 * needs a gain to clear. A campaign queues them when it opens, and again once for every worker fingerprint
 * (CPU, threads, GPU) that reports a trial and none of its baseline runs ran on. They never compete for the best.
 */
@ApplicationScoped
public class NoiseRuns {
    private static final Logger LOG = Logger.getLogger(NoiseRuns.class);

    @Inject
    LooplabConfig config;
    @Inject
    TrialRepository trials;

    /** Queues {@code count} noise runs of {@code baseline}; the caller asks for their runs after its commit. */
    public List<Trial> create(Campaign campaign, Trial baseline, int count, String forFingerprint) {
        long seed = config.campaign().seed();
        long existing = trials.count("campaignId = ?1 and kind = ?2", campaign.id, Trial.KIND_NOISE);
        List<Trial> created = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            Trial run = new Trial();
            run.id = trials.nextTrialId();
            run.campaignId = campaign.id;
            run.task = campaign.task;
            run.kind = Trial.KIND_NOISE;
            run.specialist = "noise-floor";
            run.surface = "all";
            run.parentTrialId = baseline.id;
            run.commitId = baseline.commitId;
            run.seed = seed + existing + k;
            run.forFingerprint = forFingerprint;
            run.hypothesis = "Noise floor: the baseline (trial " + baseline.id + ") again with seed " + run.seed
                    + (forFingerprint == null ? "" : ", queued when a worker on " + forFingerprint + " joined");
            run.status = TrialStatus.queued;
            trials.persist(run);
            created.add(run);
        }
        return created;
    }

    /**
     * When {@code trial} ran on a fingerprint that no baseline run of its campaign ran on (or was queued for),
     * queues {@code looplab.campaign.noise-runs} more; empty otherwise. Call inside the recording transaction.
     */
    public List<Trial> forNewFingerprint(Campaign campaign, Trial trial) {
        String key = trial.fingerprintKey();
        int count = config.campaign().noiseRuns();
        if (key == null || count <= 0 || campaign.rootTrialId == null) {
            return List.of();
        }
        Set<String> known = new HashSet<>();
        for (Trial run : trials.list("campaignId = ?1 and (kind = ?2 or id = ?3)", campaign.id, Trial.KIND_NOISE,
                campaign.rootTrialId)) {
            if (run.forFingerprint != null) {
                known.add(run.forFingerprint);
            }
            if (run.fingerprintKey() != null) {
                known.add(run.fingerprintKey());
            }
        }
        if (known.isEmpty() || known.contains(key)) {
            return List.of();
        }
        Trial root = trials.findById(campaign.rootTrialId);
        LOG.infof("campaign %s: a worker on %s joined; %d more noise run(s) of the baseline queued", campaign.id, key,
                count);
        return create(campaign, root, count, key);
    }
}
