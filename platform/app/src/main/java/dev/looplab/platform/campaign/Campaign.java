package dev.looplab.platform.campaign;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An autonomous search on one task; it remembers its best trial. */
@Entity
@Table(name = "campaign")
public class Campaign {
    @Id
    public String id;
    public String task;
    @Column(name = "root_trial_id")
    public String rootTrialId;
    @Column(name = "best_trial_id")
    public String bestTrialId;
    @Column(name = "best_score")
    public Double bestScore;
    @Column(name = "created_at")
    public Instant createdAt = Instant.now();
}
