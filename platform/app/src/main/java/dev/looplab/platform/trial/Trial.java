package dev.looplab.platform.trial;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

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
    public String status;
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
    /** Which rule decided keep or discard: first, threshold or 2sigma. */
    @Column(name = "keep_rule")
    public String keepRule;

    public static final String KIND_ROOT = "root";
    public static final String KIND_PROPOSAL = "proposal";
    public static final String KIND_NOISE = "noise";
    public static final String KIND_REPLAY = "replay";

    /** Noise-floor runs and replays measure a commit again; they never compete for the best. */
    public boolean isRerun() {
        return KIND_NOISE.equals(kind) || KIND_REPLAY.equals(kind);
    }

    /** True once an outcome is recorded (or the trial was refused): later events change nothing. */
    public boolean isFinal() {
        return recordedAt != null;
    }
}
