package dev.looplab.platform.outcome;

import io.micrometer.core.instrument.MeterRegistry;

import dev.looplab.platform.trial.Artifact;
import dev.looplab.platform.trial.ArtifactRepository;

import dev.looplab.evaluation.KeepRule;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.events.ArtifactRef;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.TrialEvent;
import dev.looplab.lineage.LineageStore;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.campaign.NoiseFloorService;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.messaging.LiveUpdates;
import dev.looplab.platform.messaging.Publisher;
import dev.looplab.platform.replay.ReplayService;
import dev.looplab.trial.ReplayVerdict;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Records a trial's outcome once: the evaluator's measurement, the keep-or-discard verdict, the outcome note,
 * the best ref; or a lost worker, with its reason. Callers hold the trial's row lock in their transaction and
 * have checked that the outcome may count (the lease); {@link #announce} runs after their commit.
 */
@ApplicationScoped
public class OutcomeRecorder {
    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class);
    /** Who decided a worker_lost: the platform's lease monitor, not an evaluator. */
    static final String LEASES = "looplab-leases";

    @Inject
    TrialRepository trials;
    @Inject
    CampaignRepository campaigns;
    @Inject
    ArtifactRepository artifacts;
    @Inject
    LineageService lineage;
    @Inject
    TaskService tasks;
    @Inject
    Publisher publisher;
    @Inject
    LiveUpdates live;
    @Inject
    NoiseFloorService noiseFloors;
    @Inject
    ReplayService replays;
    @Inject
    MeterRegistry registry;
    @Inject
    Confirmations confirmations;
    @Inject
    dev.looplab.platform.campaign.NoiseRuns noiseRuns;
    @Inject
    RunScheduler runs;

    /**
     * What a recording came to: the outcome (re-runs are not announced to proposers), and runs to ask for once
     * the transaction has committed (confirmation runs of a would-be new best).
     */
    public record Recorded(OutcomeRecorded outcome, boolean announce, List<Trial> toSchedule) {
        Recorded(OutcomeRecorded outcome, boolean announce) {
            this(outcome, announce, List.of());
        }
    }

    /** Publishes what was recorded (proposers learn from it) or, for a re-run, only tells the browsers. */
    public void announce(Recorded recorded) {
        if (recorded.announce()) {
            publisher.announceOutcome(recorded.outcome());
        } else {
            live.trialChanged(recorded.outcome().trialId(), recorded.outcome().status());
        }
        recorded.toSchedule().forEach(runs::scheduleRun);
    }

    /** Records the worker's FINISHED event for {@code trial}, which the caller has locked. */
    public Recorded recordFinished(Trial trial, TrialEvent event) {
        Measurement m = event.measurement();
        if (m == null) {
            throw new dev.looplab.events.Json.MalformedEventException("FINISHED event of trial " + trial.id
                    + " attempt " + event.attempt() + " carries no measurement", null);
        }
        registry.summary("looplab_training_seconds", "task", trial.task).record(m.trainSeconds());
        trial.recordEnvironment(event.environment());
        if (trial.isRerun()) {
            return recordRerun(trial, event);
        }
        Campaign campaign = campaigns.findForUpdate(trial.campaignId).orElseThrow();
        Double bestBefore = campaign.bestScore;
        TrialStatus status = m.status();
        String verdictReason = null;
        if (m.status().isScored()) {
            TaskDefinition task = tasks.find(trial.task);
            Trial parent = trial.parentTrialId == null ? null : trials.findById(trial.parentTrialId);
            KeepRule.Verdict verdict = new KeepRule(m.direction(), task.keepThreshold())
                    .judge(m.score(), bestBefore, noiseFloors.noiseFloor(campaign));
            status = verdict.status();
            verdictReason = verdict.reason();
            trial.keepRule = verdict.rule();
            trial.deltaVsParent = parent != null && parent.score != null ? m.score() - parent.score : null;
            trial.deltaVsBest = bestBefore != null ? m.score() - bestBefore : null;
        }
        if (status == TrialStatus.keep && bestBefore != null && confirmations.runs() > 0) {
            trial.awaitConfirmation(m, event.attempt(), event.worker(), "Its run would move the best ("
                    + verdictReason + "); " + confirmations.runs() + " confirmation run(s) with other seeds decide.");
            saveArtifacts(trial, event.artifacts());
            List<Trial> queued = new java.util.ArrayList<>(confirmations.queue(trial));
            queued.addAll(noiseRuns.forNewFingerprint(campaign, trial));
            LOG.infof("trial %s measured %s; awaiting confirmation", trial.id, trial.score);
            return new Recorded(announcement(trial, campaign), false, queued);
        }
        trial.recordMeasurement(status, m, event.attempt(), event.worker(), verdictReason);
        saveArtifacts(trial, event.artifacts());
        boolean keep = status == TrialStatus.keep;
        if (keep) {
            trial.recordNewBest(m);
            campaign.bestTrialId = trial.id;
            campaign.bestScore = trial.score;
        }
        // Git is written before the database commits: a redelivered event after a crash rewrites the same note.
        LineageStore store = lineage.store(trial.task);
        store.putOutcomeNote(trial.id, OutcomeNotes.of(trial, event.artifacts()).render());
        if (keep) {
            store.moveBest(campaign.id, trial.id);
            if (Trial.KIND_ROOT.equals(trial.kind)) {
                // campaigns opened on this task while its baseline trained share the root: it is their best too
                for (Campaign other : campaigns.list("rootTrialId = ?1 and bestTrialId is null and id <> ?2",
                        trial.id, campaign.id)) {
                    other.bestTrialId = trial.id;
                    other.bestScore = trial.score;
                    store.moveBest(other.id, trial.id);
                    LOG.infof("campaign %s shares root trial %s: its baseline %s is the campaign's best", other.id,
                            trial.id, trial.score);
                }
            }
        }
        LOG.infof("trial %s recorded: %s score=%s", trial.id, status, trial.score);
        return new Recorded(announcement(trial, campaign), true, noiseRuns.forNewFingerprint(campaign, trial));
    }

    /**
     * Records that every worker given {@code trial} (locked by the caller) stopped renewing its lease:
     * {@code reason} names the attempts and what to check.
     */
    public Recorded recordLost(Trial trial, int attempt, String worker, String reason) {
        Campaign campaign = campaigns.findForUpdate(trial.campaignId).orElseThrow();
        trial.recordLost(attempt, worker, LEASES, reason);
        if (trial.isRerun()) {
            lineage.store(trial.task).appendNote(LineageStore.REPLAY_NOTES, trial.commitId,
                    OutcomeNotes.rerun(trial, null, List.of()).render());
            return new Recorded(announcement(trial, campaign), false);
        }
        lineage.store(trial.task).putOutcomeNote(trial.id, OutcomeNotes.of(trial, List.of()).render());
        LOG.warnf("trial %s recorded: worker_lost (%s)", trial.id, reason);
        return new Recorded(announcement(trial, campaign), true);
    }

    /**
     * A noise-floor run or a replay: measured like any trial, never judged against the best; its note is
     * appended under {@code refs/notes/replays} on the commit it ran, and a replay gets its verdict.
     */
    private Recorded recordRerun(Trial trial, TrialEvent event) {
        Measurement m = event.measurement();
        trial.recordMeasurement(m.status(), m, event.attempt(), event.worker(), null);
        saveArtifacts(trial, event.artifacts());
        ReplayVerdict verdict = Trial.KIND_REPLAY.equals(trial.kind) ? replays.decide(trial) : null;
        if (verdict != null) {
            trial.feedback = Trial.join(trial.feedback, "Replay verdict: " + verdict.verdict() + " ("
                    + verdict.detail() + ").");
        }
        lineage.store(trial.task).appendNote(LineageStore.REPLAY_NOTES, trial.commitId,
                OutcomeNotes.rerun(trial, verdict, event.artifacts()).render());
        LOG.infof("%s run %s recorded: %s score=%s%s", trial.kind, trial.id, trial.status, trial.score,
                verdict == null ? "" : ", verdict " + verdict.verdict());
        if (Trial.KIND_CONFIRM.equals(trial.kind)) {
            Campaign campaign = campaigns.findForUpdate(trial.campaignId).orElseThrow();
            var decision = confirmations.decideIfComplete(trial.replayOf, campaign);
            if (decision.isPresent()) {
                return recordConfirmed(decision.get(), campaign);
            }
            return new Recorded(announcement(trial, campaign), false);
        }
        Campaign campaign = campaigns.findById(trial.campaignId);
        return new Recorded(announcement(trial, campaign), false);
    }

    /** The candidate's verdict after its confirmation runs: its note, the best ref on a keep, the announcement. */
    private Recorded recordConfirmed(Confirmations.Decision decision, Campaign campaign) {
        Trial candidate = decision.candidate();
        if (decision.keep()) {
            campaign.bestTrialId = candidate.id;
            campaign.bestScore = decision.meanScore();
        }
        LineageStore store = lineage.store(candidate.task);
        store.putOutcomeNote(candidate.id, OutcomeNotes.of(candidate, artifactRefs(candidate)).render());
        if (decision.keep()) {
            store.moveBest(campaign.id, candidate.id);
        }
        LOG.infof("trial %s recorded after confirmation: %s", candidate.id, candidate.status);
        return new Recorded(announcement(candidate, campaign), true);
    }

    private List<ArtifactRef> artifactRefs(Trial trial) {
        return artifacts.listForTrial(trial.id).stream()
                .map(a -> new ArtifactRef(a.name, a.objectKey, a.sizeBytes, a.sha256)).toList();
    }

    private void saveArtifacts(Trial trial, List<ArtifactRef> refs) {
        for (ArtifactRef ref : refs == null ? List.<ArtifactRef>of() : refs) {
            artifacts.getEntityManager().merge(Artifact.of(trial.id, ref));
        }
    }

    private static OutcomeRecorded announcement(Trial trial, Campaign campaign) {
        boolean rerun = trial.isRerun();
        return new OutcomeRecorded(OutcomeRecorded.SCHEMA, trial.proposalId, trial.id, trial.campaignId, trial.task,
                trial.specialist, trial.parentTrialId, trial.status, trial.score, rerun ? null : trial.deltaVsParent,
                rerun ? null : trial.deltaVsBest, campaign == null ? null : campaign.bestTrialId,
                campaign == null ? null : campaign.bestScore, trial.feedback, Instant.now().toEpochMilli());
    }
}
