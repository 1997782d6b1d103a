package dev.looplab.platform.replay;

import dev.looplab.trial.ReplayPlan;
import dev.looplab.trial.ReplayVerdict;
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

/**
 * Runs a trial's commit again with what it recorded (seed, step count, budget) and judges the new
 * outcome against the original: identical, within noise, or differs.
 */
@ApplicationScoped
public class ReplayService {
    private static final Logger LOG = Logger.getLogger(ReplayService.class);

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
        ReplayPlan plan = ReplayPlan.of(original.environment(), original.trainBudgetSeconds);
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
        if (plan.fixedSteps()) {
            t.requestedSteps = plan.steps();
            t.requestedStopStep = plan.stopStep() > 0 ? plan.stopStep() : null;
        }
        t.trainBudgetSeconds = plan.budgetSeconds();
        t.hypothesis = plan.describe(original.id, original.commitId, original.seed, original.trainBudgetSeconds);
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
        ReplayVerdict.Tolerance rule = noise != null
                ? ReplayVerdict.Tolerance.of(threshold, noise.sigma(), noise.runs() + " baseline runs")
                : ReplayVerdict.Tolerance.of(threshold);
        double tolerance = rule.value();
        ReplayVerdict verdict = ReplayVerdict.decide(original.status, original.score, replayTrial.status,
                replayTrial.score, rule, original.environment(), replayTrial.environment());
        r.verdict = verdict.verdict();
        r.detail = verdict.detail();
        r.tolerance = tolerance;
        r.originalScore = original.score;
        r.replayScore = replayTrial.score;
        r.decidedAt = Instant.now();
        LOG.infof("replay %s of trial %s: %s (%s)", replayTrial.id, original.id, r.verdict, r.detail);
        return verdict;
    }

    /** A replay that cannot be run; the message says why and what to do. */
    public static final class ReplayRefusedException extends RuntimeException {
        public ReplayRefusedException(String message) {
            super(message);
        }
    }
}
