package dev.looplab.platform.replay;

import dev.looplab.trial.TrialStatus;

import dev.looplab.evaluation.KeepRule;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.campaign.NoiseFloorService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.messaging.LiveUpdates;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a trial's commit again with what it recorded (seed, step count, budget) and judges the new
 * outcome against the original: identical, within noise, or differs.
 */
@ApplicationScoped
public class ReplayService {
    private static final Logger LOG = Logger.getLogger(ReplayService.class);
    /** A replay with a fixed step count gets this much more time, so a slower moment does not cut it short. */
    static final int FIXED_STEP_BUDGET_FACTOR = 2;

    @Inject
    TrialRepository trials;
    @Inject
    ReplayRepository replays;
    @Inject
    CampaignRepository campaigns;
    @Inject
    RunScheduler runs;
    @Inject
    NoiseFloorService noiseFloors;
    @Inject
    TaskService tasks;
    @Inject
    LiveUpdates live;

    /** Queues a replay of {@code originalTrialId}; refuses a trial that never ran or has not finished. */
    public Replay requestReplay(String originalTrialId) {
        Trial replay = QuarkusTransaction.requiringNew().call(() -> createReplay(originalTrialId));
        runs.scheduleRun(replay);
        live.trialChanged(replay.id, replay.status);
        return QuarkusTransaction.requiringNew().call(() -> replays.findById(replay.id));
    }

    private Trial createReplay(String originalTrialId) {
        Trial original = trials.findByIdOptional(originalTrialId)
                .orElseThrow(() -> new NotFoundException("unknown trial '" + originalTrialId + "'"));
        if (original.commitId == null) {
            throw new ReplayRefusedException("trial " + original.id + " has no commit (status " + original.status
                    + "): only trials that ran can be replayed");
        }
        if (!original.isFinal()) {
            throw new ReplayRefusedException("trial " + original.id + " has not finished (status " + original.status
                    + "): replay it once it has an outcome");
        }
        Map<String, String> env = original.environment();
        int planned = intValue(env.get("planned_steps"));
        int trained = intValue(env.get("train_steps"));
        Trial t = new Trial();
        t.id = trials.nextTrialId();
        t.campaignId = original.campaignId;
        t.task = original.task;
        t.kind = Trial.KIND_REPLAY;
        t.replayOf = original.id;
        t.specialist = "replay";
        t.surface = original.surface;
        t.parentTrialId = original.id;
        t.commitId = original.commitId;
        t.seed = original.seed;
        Integer budget = original.trainBudgetSeconds;
        if (planned > 0) {
            t.requestedSteps = planned;
            t.requestedStopStep = trained > 0 && trained < planned ? trained : null;
            budget = budget == null ? null : budget * FIXED_STEP_BUDGET_FACTOR;
        }
        t.trainBudgetSeconds = budget;
        t.hypothesis = planned > 0
                ? String.format(Locale.ROOT, "Replay of trial %s: commit %s, seed %s, exactly %d steps%s",
                original.id, abbreviate(original.commitId), original.seed, trained > 0 ? Math.min(planned, trained) : planned,
                trained > 0 && trained < planned ? " of a " + planned + "-step schedule" : "")
                : String.format(Locale.ROOT, "Replay of trial %s: commit %s, seed %s, the same %s s budget (the original"
                + " recorded no step count, so expect noise rather than identical bits)", original.id,
                abbreviate(original.commitId), original.seed, original.trainBudgetSeconds);
        t.status = TrialStatus.queued;
        trials.persist(t);
        Replay r = new Replay();
        r.trialId = t.id;
        r.originalTrialId = original.id;
        r.originalScore = original.score;
        replays.persist(r);
        LOG.infof("replay %s of trial %s queued (%s)", t.id, original.id, t.hypothesis);
        return t;
    }

    /**
     * Judges a finished replay against its original; called inside the transaction recording the replay's
     * outcome, after its score and fingerprint are set. Returns null when {@code replayTrial} is no replay.
     */
    public ReplayVerdict decide(Trial replayTrial) {
        Replay r = replays.findById(replayTrial.id);
        Trial original = replayTrial.replayOf == null ? null : trials.findById(replayTrial.replayOf);
        if (r == null || original == null) {
            return null;
        }
        Campaign campaign = campaigns.findById(original.campaignId);
        KeepRule.NoiseFloor noise = campaign == null ? null : noiseFloors.noiseFloor(campaign);
        double threshold = tasks.find(original.task).keepThreshold();
        double tolerance = noise != null ? Math.max(threshold, 2 * noise.sigma()) : threshold;
        String rule = noise != null
                ? String.format(Locale.ROOT, "max(task threshold %.4g, 2 sigma %.4g of %d baseline runs)", threshold,
                2 * noise.sigma(), noise.runs())
                : String.format(Locale.ROOT, "task threshold %.4g; the noise floor is not measured yet", threshold);
        ReplayVerdict verdict = ReplayVerdict.decide(original.status, original.score, replayTrial.status,
                replayTrial.score, tolerance, rule, original.environment(), replayTrial.environment());
        r.verdict = verdict.verdict();
        r.detail = verdict.detail();
        r.tolerance = tolerance;
        r.originalScore = original.score;
        r.replayScore = replayTrial.score;
        r.decidedAt = Instant.now();
        LOG.infof("replay %s of trial %s: %s (%s)", replayTrial.id, original.id, r.verdict, r.detail);
        return verdict;
    }

    private static int intValue(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String abbreviate(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    /** A replay that cannot be run; the message says why and what to do. */
    public static final class ReplayRefusedException extends RuntimeException {
        public ReplayRefusedException(String message) {
            super(message);
        }
    }
}
