package dev.looplab.platform.trial;

import jakarta.persistence.Enumerated;

import jakarta.persistence.EnumType;

import dev.looplab.trial.TrialStatus;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.looplab.trial.Measurement;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** One trial as Postgres records it; its code lives in the task's Git lineage at {@code commitId}. */
@Entity
@Table(name = "trial")
public class Trial {
    @Id
    public String id;
    @Column(name = "proposal_id")
    public String proposalId;
    @Column(name = "campaign_id")
    public String campaignId;
    public String task;
    public String specialist;
    public String surface;
    @Column(name = "parent_trial_id")
    public String parentTrialId;
    public String hypothesis;
    @Column(name = "expected_delta")
    public Double expectedDelta;
    @Column(name = "commit_id")
    public String commitId;
    @Enumerated(EnumType.STRING)
    public TrialStatus status;
    public String reason;
    public int attempt;
    public String worker;
    public Double score;
    public String direction;
    @Column(name = "delta_vs_parent")
    public Double deltaVsParent;
    @Column(name = "delta_vs_best")
    public Double deltaVsBest;
    @Column(name = "metrics_json")
    public String metricsJson;
    public String feedback;
    @Column(name = "train_seconds")
    public Double trainSeconds;
    @Column(name = "eval_seconds")
    public Double evalSeconds;
    @Column(name = "artifact_bytes")
    public Long artifactBytes;
    public Long seed;
    public String evaluator;
    @Column(name = "evaluator_version")
    public String evaluatorVersion;
    @Column(name = "data_sha256")
    public String dataSha256;
    @Column(name = "created_at")
    public Instant createdAt = Instant.now();
    @Column(name = "updated_at")
    public Instant updatedAt = Instant.now();
    /** When Kafka acknowledged the run request; null means it must still be sent. */
    @Column(name = "run_requested_at")
    public Instant runRequestedAt;
    @Column(name = "recorded_at")
    public Instant recordedAt;
    /** root, proposal, noise (baseline repeated with another seed) or replay. */
    public String kind = KIND_PROPOSAL;
    @Column(name = "replay_of")
    public String replayOf;
    @Column(name = "environment_json")
    public String environmentJson;
    @Column(name = "train_budget_seconds")
    public Integer trainBudgetSeconds;
    @Column(name = "requested_steps")
    public Integer requestedSteps;
    @Column(name = "requested_stop_step")
    public Integer requestedStopStep;
    /** For a noise run queued because a worker with a new fingerprint joined: that fingerprint. */
    @Column(name = "for_fingerprint")
    public String forFingerprint;
    /** Which rule decided keep or discard: first, threshold or 2sigma. */
    @Column(name = "keep_rule")
    public String keepRule;
    /** The score on the task's test slice: only on a trial that became its campaign's best. */
    @Column(name = "test_score")
    public Double testScore;
    /** A would-be best's test score until its confirmation runs decide. */
    @Column(name = "pending_test_score")
    public Double pendingTestScore;
    /** What the diff changed, knob by knob (JSON); read it with {@link #knobChanges()}. */
    @Column(name = "knob_changes")
    public String knobChangesJson;
    /** The language model that wrote the proposal, and the tokens it cost; null for built-in specialists. */
    public String model;
    @Column(name = "tokens_in")
    public Long tokensIn;
    @Column(name = "tokens_out")
    public Long tokensOut;

    public static final String KIND_ROOT = "root";
    public static final String KIND_PROPOSAL = "proposal";
    public static final String KIND_NOISE = "noise";
    public static final String KIND_REPLAY = "replay";
    /** The commit of a would-be new best run again with another seed; {@code replayOf} names the candidate. */
    public static final String KIND_CONFIRM = "confirm";

    /** Noise-floor runs, replays and confirmation runs measure a commit again; they never compete for the best. */
    public boolean isRerun() {
        return KIND_NOISE.equals(kind) || KIND_REPLAY.equals(kind) || KIND_CONFIRM.equals(kind);
    }

    /** True once an outcome is recorded (or the trial was refused): later events change nothing. */
    public boolean isFinal() {
        return recordedAt != null;
    }

    /** A worker reports progress on an attempt: the trial is {@code running} or {@code evaluating} on it. */
    public void markInFlight(TrialStatus inFlight, int attemptNumber, String workerId) {
        if (!inFlight.isInFlight()) {
            throw new IllegalArgumentException(inFlight + " is not an in-flight status");
        }
        status = inFlight;
        attempt = Math.max(attempt, attemptNumber);
        worker = workerId;
        updatedAt = Instant.now();
    }

    /** Notes what the proposal changed and, for a language model's proposal, which model and how many tokens. */
    public void recordProposer(Map<String, KnobChange> knobChanges, String modelName, Long in, Long out) {
        knobChangesJson = knobChanges == null || knobChanges.isEmpty() ? null : JsonText.write(knobChanges);
        model = modelName == null || modelName.isBlank() ? null : modelName.strip();
        tokensIn = in;
        tokensOut = out;
    }

    /** The knob changes of the trial's diff, in diff order; empty when none were recorded. */
    public Map<String, KnobChange> knobChanges() {
        return JsonText.readMap(knobChangesJson, new TypeReference<Map<String, KnobChange>>() {
        });
    }

    /** Keeps the attempt's environment fingerprint (JDK, libraries, CPU, threads, steps ...). */
    public void recordEnvironment(Map<String, String> environment) {
        if (environment != null && !environment.isEmpty()) {
            environmentJson = JsonText.write(new TreeMap<>(environment));
        }
    }

    /**
     * The one mapping from an evaluator's measurement to the row: {@code finalStatus} is the measurement's own
     * or the keep rule's verdict, {@code verdictReason} the sentence that explains a verdict.
     */
    public void recordMeasurement(TrialStatus finalStatus, Measurement m, int attemptNumber, String workerId,
            String verdictReason) {
        status = finalStatus;
        score = m.score();
        direction = m.direction() == null ? null : m.direction().name();
        attempt = Math.max(attempt, attemptNumber);
        worker = workerId;
        metricsJson = JsonText.write(m.metrics());
        feedback = verdictReason == null ? m.feedback() : join(m.feedback(), "Verdict: " + verdictReason + ".");
        reason = m.status().isScored() ? null : m.feedback();
        trainSeconds = m.trainSeconds();
        evalSeconds = m.evalSeconds();
        artifactBytes = m.artifactBytes();
        seed = m.seed();
        evaluator = m.evaluator();
        evaluatorVersion = m.evaluatorVersion();
        dataSha256 = m.dataSha256();
        recordedAt = Instant.now();
        updatedAt = recordedAt;
    }

    /**
     * A candidate's first run beat the best: its measurement is kept on the row, but the trial stays
     * {@code evaluating} (not recorded) until its confirmation runs decide keep or discard.
     */
    public void awaitConfirmation(Measurement m, int attemptNumber, String workerId, String why) {
        recordMeasurement(TrialStatus.evaluating, m, attemptNumber, workerId, null);
        feedback = join(m.feedback(), why);
        pendingTestScore = m.testScore();
        recordedAt = null;
    }

    /**
     * The confirmation runs decided: the trial is recorded as {@code verdict} with the sentence that says why; a kept
     * one takes the test score its first run measured, a discarded one keeps none.
     */
    public void recordConfirmed(TrialStatus verdict, String rule, String reason) {
        status = verdict;
        keepRule = rule;
        feedback = join(feedback, "Verdict: " + reason + ".");
        testScore = verdict == TrialStatus.keep ? pendingTestScore : null;
        pendingTestScore = null;
        recordedAt = Instant.now();
        updatedAt = recordedAt;
    }

    /**
     * The trial became its campaign's best on one run: it takes that run's test score (null when the task has no
     * test slice), the only moment a test score is recorded.
     */
    public void recordNewBest(Measurement m) {
        testScore = m.testScore();
    }

    /** Every attempt's worker stopped renewing its lease; {@code decidedBy} names who judged it. */
    public void recordLost(int attemptNumber, String workerId, String decidedBy, String why) {
        status = TrialStatus.worker_lost;
        attempt = Math.max(attempt, attemptNumber);
        worker = workerId;
        reason = why;
        feedback = why;
        evaluator = decidedBy;
        recordedAt = Instant.now();
        updatedAt = recordedAt;
    }

    /** The attempt's fingerprint as recorded; empty before an outcome. */
    public Map<String, String> environment() {
        return JsonText.readMap(environmentJson, new TypeReference<Map<String, String>>() {
        });
    }

    /**
     * What the noise floor depends on in the attempt's fingerprint: CPU model, threads and GPU; null before an
     * outcome or when the worker did not say.
     */
    public String fingerprintKey() {
        Map<String, String> env = environment();
        if (env.get("cpu") == null) {
            return null;
        }
        return env.get("cpu") + ", " + env.getOrDefault("threads", "?") + " thread(s), gpu "
                + env.getOrDefault("gpu", "none");
    }

    /** The evaluator's side metrics as recorded (numbers); empty before an outcome. */
    public Map<String, Object> metrics() {
        return JsonText.readMap(metricsJson, new TypeReference<Map<String, Object>>() {
        });
    }

    /** {@code a}, then {@code b} after a space; just {@code b} when {@code a} is blank. */
    public static String join(String a, String b) {
        return a == null || a.isBlank() ? b : a.strip() + " " + b;
    }
}
