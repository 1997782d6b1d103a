package dev.looplab.platform.replay;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A replay of a trial: its own trial row ({@code trialId}) linked to the original, and the verdict once run. */
@Entity
@Table(name = "replay")
public class Replay {
    @Id
    @Column(name = "trial_id")
    public String trialId;
    @Column(name = "original_trial_id")
    public String originalTrialId;
    /** identical, within_noise, differs; null while the replay runs. */
    public String verdict;
    public Double tolerance;
    @Column(name = "original_score")
    public Double originalScore;
    @Column(name = "replay_score")
    public Double replayScore;
    public String detail;
    @Column(name = "created_at")
    public Instant createdAt = Instant.now();
    @Column(name = "decided_at")
    public Instant decidedAt;
}
