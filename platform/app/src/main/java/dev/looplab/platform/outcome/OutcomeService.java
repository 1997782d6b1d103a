package dev.looplab.platform.outcome;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.evaluation.KeepRule;
import dev.looplab.evaluation.Measurement;
import dev.looplab.evaluation.Status;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.events.ArtifactRef;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.TrialEvent;
import dev.looplab.lineage.LineageStore;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.lease.LeaseService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.messaging.LiveUpdates;
import dev.looplab.platform.messaging.Publisher;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records what workers report: status changes while a trial runs, then the evaluator's
 * measurement, the keep-or-discard verdict, the outcome note, the best ref and the announcement.
 * Each trial is recorded once however often its events are delivered.
 */
@ApplicationScoped
public class OutcomeService {
    private static final Logger LOG = Logger.getLogger(OutcomeService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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
    dev.looplab.platform.campaign.NoiseFloorService noiseFloors;
    @Inject
    dev.looplab.platform.replay.ReplayService replays;
    @Inject
    LeaseService leases;

    public void apply(TrialEvent event) {
        if (event.type() == TrialEvent.Type.FINISHED) {
            Recorded recorded = QuarkusTransaction.requiringNew().call(() -> record(event));
            if (recorded == null) {
                return;
            }
            if (recorded.announce()) {
                publisher.announceOutcome(recorded.outcome());
            } else {
                live.trialChanged(recorded.outcome().trialId(), recorded.outcome().status());
            }
            return;
        }
        if (event.type() == TrialEvent.Type.HEARTBEAT) {
            QuarkusTransaction.requiringNew().run(() -> leases.renew(event));
            return;
        }
        String status = event.type() == TrialEvent.Type.STARTED ? "running" : "evaluating";
        boolean changed = QuarkusTransaction.requiringNew().call(() -> {
            if (!leases.renew(event)) {
                return false;
            }
            Trial trial = trials.findById(event.trialId());
            if (trial == null || trial.isFinal()) {
                return false;
            }
            trial.status = status;
            trial.attempt = Math.max(trial.attempt, event.attempt());
            trial.worker = event.worker();
            trial.updatedAt = Instant.now();
            return true;
        });
        if (changed) {
            live.trialChanged(event.trialId(), status);
        }
    }

    /** A recorded outcome; re-runs (noise floor, replays) are not announced to proposers. */
    private record Recorded(OutcomeRecorded outcome, boolean announce) {
    }

    private Recorded record(TrialEvent event) {
        // the row lock serialises a worker's outcome with the lease monitor's worker_lost
        Trial trial = trials.findById(event.trialId(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (trial == null) {
            LOG.warnf("outcome for unknown trial %s (attempt %d) ignored", event.trialId(), event.attempt());
            return null;
        }
        if (trial.isFinal()) {
            LOG.debugf("trial %s already recorded; duplicate outcome of attempt %d ignored", trial.id, event.attempt());
            return null;
        }
        if (!leases.acceptsOutcome(event)) {
            return null;
        }
        Campaign campaign = campaigns.findForUpdate(trial.campaignId).orElseThrow();
        Measurement m = event.measurement();
        TaskDefinition task = tasks.find(trial.task);
        Trial parent = trial.parentTrialId == null ? null : trials.findById(trial.parentTrialId);
        Double bestBefore = campaign.bestScore;

        String status = m.status().name();
        String verdictReason = null;
        if (event.environment() != null && !event.environment().isEmpty()) {
            trial.environmentJson = toJson(new java.util.TreeMap<>(event.environment()));
        }
        if (trial.isRerun()) {
            return new Recorded(recordRerun(trial, campaign, event), false);
        }
        if (m.status().isScored()) {
            KeepRule.Verdict verdict = new KeepRule(m.direction(), task.keepThreshold())
                    .judge(m.score(), bestBefore, noiseFloors.noiseFloor(campaign));
            status = verdict.status().name();
            verdictReason = verdict.reason();
            trial.keepRule = verdict.rule();
            trial.deltaVsParent = parent != null && parent.score != null ? m.score() - parent.score : null;
            trial.deltaVsBest = bestBefore != null ? m.score() - bestBefore : null;
        }
        trial.status = status;
        applyMeasurement(trial, event, verdictReason);
        boolean keep = Status.keep.name().equals(status);
        if (keep) {
            campaign.bestTrialId = trial.id;
            campaign.bestScore = trial.score;
        }
        // Git is written before the database commits: a redelivered event after a crash rewrites the same note.
        LineageStore store = lineage.store(trial.task);
        store.putOutcomeNote(trial.id, noteText(trial, event.artifacts()));
        if (keep) {
            store.moveBest(campaign.id, trial.id);
        }
        LOG.infof("trial %s recorded: %s score=%s", trial.id, status, trial.score);
        return new Recorded(new OutcomeRecorded(OutcomeRecorded.SCHEMA, trial.proposalId, trial.id, trial.campaignId,
                trial.task, trial.specialist, trial.parentTrialId, status, trial.score, trial.deltaVsParent,
                trial.deltaVsBest, campaign.bestTrialId, campaign.bestScore, trial.feedback,
                System.currentTimeMillis()), true);
    }

    /**
     * A noise-floor run or a replay: measured like any trial, never judged against the best; its note is
     * appended under {@code refs/notes/replays} on the commit it ran, and a replay gets its verdict.
     */
    private OutcomeRecorded recordRerun(Trial trial, Campaign campaign, TrialEvent event) {
        Measurement m = event.measurement();
        trial.status = m.status().name();
        applyMeasurement(trial, event, null);
        var verdict = Trial.KIND_REPLAY.equals(trial.kind) ? replays.decide(trial) : null;
        if (verdict != null) {
            trial.feedback = join(trial.feedback, "Replay verdict: " + verdict.verdict() + " (" + verdict.detail() + ").");
        }
        lineage.store(trial.task).appendNote(LineageStore.REPLAY_NOTES, trial.commitId,
                rerunNoteText(trial, verdict, event.artifacts()));
        LOG.infof("%s run %s recorded: %s score=%s%s", trial.kind, trial.id, trial.status, trial.score,
                verdict == null ? "" : ", verdict " + verdict.verdict());
        return new OutcomeRecorded(OutcomeRecorded.SCHEMA, trial.proposalId, trial.id, trial.campaignId, trial.task,
                trial.specialist, trial.parentTrialId, trial.status, trial.score, null, null, campaign.bestTrialId,
                campaign.bestScore, trial.feedback, System.currentTimeMillis());
    }

    private void applyMeasurement(Trial trial, TrialEvent event, String verdictReason) {
        Measurement m = event.measurement();
        trial.score = m.score();
        trial.direction = m.direction() == null ? null : m.direction().name();
        trial.attempt = Math.max(trial.attempt, event.attempt());
        trial.worker = event.worker();
        trial.metricsJson = toJson(m.metrics());
        trial.feedback = verdictReason == null ? m.feedback() : join(m.feedback(), "Verdict: " + verdictReason + ".");
        trial.reason = m.status().isScored() ? null : m.feedback();
        trial.trainSeconds = m.trainSeconds();
        trial.evalSeconds = m.evalSeconds();
        trial.artifactBytes = m.artifactBytes();
        trial.seed = m.seed();
        trial.evaluator = m.evaluator();
        trial.evaluatorVersion = m.evaluatorVersion();
        trial.dataSha256 = m.dataSha256();
        trial.recordedAt = Instant.now();
        trial.updatedAt = trial.recordedAt;
        for (ArtifactRef ref : event.artifacts() == null ? List.<ArtifactRef>of() : event.artifacts()) {
            Artifact artifact = new Artifact();
            artifact.trialId = trial.id;
            artifact.name = ref.name();
            artifact.objectKey = ref.key();
            artifact.sizeBytes = ref.sizeBytes();
            artifact.sha256 = ref.sha256();
            artifacts.getEntityManager().merge(artifact);
        }
    }

    /** The outcome note: lines a person reads in {@code git log --notes=outcomes}, then a JSON block for tools. */
    static String noteText(Trial t, List<ArtifactRef> refs) {
        StringBuilder text = new StringBuilder();
        text.append("Outcome of trial ").append(t.id).append(": ").append(t.status).append('\n');
        if (t.score != null) {
            text.append(String.format(Locale.ROOT, "score: %.6f (%s is better)%n", t.score, t.direction));
        }
        if (t.deltaVsParent != null) {
            text.append(String.format(Locale.ROOT, "delta vs parent %s: %+.6f%n", t.parentTrialId, t.deltaVsParent));
        }
        if (t.deltaVsBest != null) {
            text.append(String.format(Locale.ROOT, "delta vs best: %+.6f%n", t.deltaVsBest));
        }
        if (t.feedback != null) {
            text.append("feedback: ").append(t.feedback).append('\n');
        }
        text.append("evaluator: ").append(t.evaluator).append(' ').append(t.evaluatorVersion)
                .append(", data sha256 ").append(t.dataSha256).append(", seed ").append(t.seed).append('\n');
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("trial", t.id);
        json.put("status", t.status);
        json.put("score", t.score);
        json.put("direction", t.direction);
        json.put("deltaVsParent", t.deltaVsParent);
        json.put("deltaVsBest", t.deltaVsBest);
        json.put("metrics", t.metricsJson == null ? null : readJson(t.metricsJson));
        json.put("trainSeconds", t.trainSeconds);
        json.put("evalSeconds", t.evalSeconds);
        json.put("artifactBytes", t.artifactBytes);
        json.put("seed", t.seed);
        json.put("evaluator", t.evaluator);
        json.put("evaluatorVersion", t.evaluatorVersion);
        json.put("dataSha256", t.dataSha256);
        json.put("worker", t.worker);
        json.put("attempt", t.attempt);
        json.put("artifacts", refs);
        json.put("keepRule", t.keepRule);
        json.put("environment", t.environmentJson == null ? null : readJson(t.environmentJson));
        appendEnvironment(text, t);
        text.append("\n```json\n").append(toJson(json)).append("\n```\n");
        return text.toString();
    }

    /** One readable line of what the run ran on; the JSON block holds the whole fingerprint. */
    private static void appendEnvironment(StringBuilder text, Trial t) {
        Object env = t.environmentJson == null ? null : readJson(t.environmentJson);
        if (env instanceof com.fasterxml.jackson.databind.JsonNode node && node.isObject()) {
            List<String> parts = new java.util.ArrayList<>();
            for (String key : List.of("jdk", "djl", "libtorch", "cpu", "threads", "gpu", "os", "train_steps",
                    "planned_steps", "budget_s", "sandbox")) {
                if (node.hasNonNull(key)) {
                    parts.add(key + " " + node.get(key).asText());
                }
            }
            text.append("environment: ").append(String.join(", ", parts)).append('\n');
        }
    }

    /** The paragraph a re-run adds to {@code git log --notes=replays} of the commit it ran. */
    static String rerunNoteText(Trial t, dev.looplab.platform.replay.ReplayVerdict verdict, List<ArtifactRef> refs) {
        StringBuilder text = new StringBuilder();
        if (Trial.KIND_REPLAY.equals(t.kind)) {
            text.append("Replay ").append(t.id).append(" of trial ").append(t.replayOf).append(": ")
                    .append(verdict == null ? t.status : verdict.verdict()).append('\n');
            if (verdict != null) {
                text.append(verdict.detail()).append('\n');
            }
        } else {
            text.append("Noise-floor run ").append(t.id).append(" (seed ").append(t.seed).append("): ")
                    .append(t.status).append('\n');
        }
        if (t.score != null) {
            text.append(String.format(Locale.ROOT, "score: %s (%s is better)%n", t.score, t.direction));
        }
        appendEnvironment(text, t);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("trial", t.id);
        json.put("kind", t.kind);
        json.put("replayOf", t.replayOf);
        json.put("verdict", verdict == null ? null : verdict.verdict());
        json.put("status", t.status);
        json.put("score", t.score);
        json.put("seed", t.seed);
        json.put("environment", t.environmentJson == null ? null : readJson(t.environmentJson));
        json.put("artifacts", refs);
        text.append("```json\n").append(toJson(json)).append("\n```\n");
        return text.toString();
    }

    private static String join(String a, String b) {
        return a == null || a.isBlank() ? b : a.strip() + " " + b;
    }

    private static String toJson(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
