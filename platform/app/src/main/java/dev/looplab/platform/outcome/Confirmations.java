package dev.looplab.platform.outcome;

import dev.looplab.evaluation.KeepRule;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.NoiseFloorService;
import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Confirm before keep: a candidate whose one run would move the best is run again with other seeds
 * ({@code looplab.campaign.confirm-runs}), and becomes the best only when the mean of its runs beats the mean of
 * the best's runs by max(threshold, 2 sigma), with sigma pooled over every recipe run more than once.
 */
@ApplicationScoped
public class Confirmations {
    private static final Logger LOG = Logger.getLogger(Confirmations.class);
    /** Seeds of confirmation runs are the candidate's plus multiples of this, so none meets a noise run's. */
    static final long SEED_STRIDE = 1_000_003L;

    @Inject
    LooplabConfig config;
    @Inject
    TrialRepository trials;
    @Inject
    NoiseFloorService noiseFloors;
    @Inject
    TaskService tasks;

    /** How many confirmation runs a would-be best gets; 0 keeps on one run. */
    public int runs() {
        return Math.max(0, config.campaign().confirmRuns());
    }

    /** Creates the confirmation runs of {@code candidate} (queued; the caller schedules them after its commit). */
    List<Trial> queue(Trial candidate) {
        List<Trial> queued = new ArrayList<>();
        long seed = candidate.seed == null ? config.campaign().seed() : candidate.seed;
        for (int k = 1; k <= runs(); k++) {
            Trial run = new Trial();
            run.id = trials.nextTrialId();
            run.campaignId = candidate.campaignId;
            run.task = candidate.task;
            run.kind = Trial.KIND_CONFIRM;
            run.specialist = "confirmation";
            run.surface = candidate.surface;
            run.parentTrialId = candidate.id;
            run.replayOf = candidate.id;
            run.commitId = candidate.commitId;
            run.seed = seed + k * SEED_STRIDE;
            run.trainBudgetSeconds = candidate.trainBudgetSeconds;
            run.hypothesis = "Confirmation " + k + " of " + runs() + " of trial " + candidate.id + ": the same commit"
                    + " with seed " + run.seed;
            run.status = TrialStatus.queued;
            trials.persist(run);
            queued.add(run);
        }
        LOG.infof("trial %s would move the best: %d confirmation run(s) queued (%s)", candidate.id, queued.size(),
                queued.stream().map(t -> t.id).toList());
        return queued;
    }

    /**
     * After a confirmation run of {@code candidateId} is recorded: when every one of them is, the verdict on the
     * candidate (which this call locks and records); empty while runs are still out.
     */
    Optional<Decision> decideIfComplete(String candidateId, Campaign campaign) {
        Trial candidate = trials.findById(candidateId, LockModeType.PESSIMISTIC_WRITE);
        if (candidate == null || candidate.isFinal()) {
            return Optional.empty();
        }
        List<Trial> confirmations = trials.list("kind = ?1 and replayOf = ?2", Trial.KIND_CONFIRM, candidateId);
        if (confirmations.stream().anyMatch(t -> !t.isFinal())) {
            return Optional.empty();
        }
        Trial best = campaign.bestTrialId == null ? null : trials.findById(campaign.bestTrialId);
        Optional<Trial> failed = confirmations.stream().filter(t -> t.score == null).findFirst();
        KeepRule.Verdict verdict;
        List<Double> candidateRuns = noiseFloors.runsOf(campaign, candidate);
        List<Double> bestRuns = best == null ? List.of() : noiseFloors.runsOf(campaign, best);
        if (failed.isPresent()) {
            Trial run = failed.get();
            verdict = new KeepRule.Verdict(TrialStatus.discard, "confirmation run " + run.id + " ended as "
                    + run.status + (run.reason == null ? "" : " (" + first(run.reason) + ")")
                    + ", so the gain of the first run is not confirmed", "confirmed-failed", 0);
        } else if (bestRuns.isEmpty()) {
            verdict = new KeepRule.Verdict(TrialStatus.keep, "first confirmed trial of the campaign", "confirmed-first", 0);
        } else {
            Direction direction = Direction.valueOf(candidate.direction);
            verdict = new KeepRule(direction, tasks.find(candidate.task).keepThreshold())
                    .judgeConfirmed(candidateRuns, bestRuns, noiseFloors.noiseFloor(campaign));
        }
        double mean = candidateRuns.isEmpty() ? candidate.score
                : candidateRuns.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        candidate.recordConfirmed(verdict.status(), verdict.rule(), verdict.reason() + String.format(Locale.ROOT,
                " (runs: trial %s and confirmations %s)", candidate.id, confirmations.stream().map(t -> t.id).toList()));
        LOG.infof("trial %s confirmed as %s: %s", candidate.id, verdict.status(), verdict.reason());
        return Optional.of(new Decision(candidate, verdict.status() == TrialStatus.keep, mean));
    }

    /** The verdict on a candidate: the trial as recorded, whether it is the new best, and the mean of its runs. */
    record Decision(Trial candidate, boolean keep, double meanScore) {
    }

    private static String first(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
