package dev.looplab.platform.campaign;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;

/** An autonomous search on one task: its best trial, its team, its stop rules and where it is in its life. */
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
    @Enumerated(EnumType.STRING)
    public CampaignState state = CampaignState.running;
    public String team = Team.DEFAULT.name();
    /** Stop after this many accepted trials (null: no limit). */
    @Column(name = "max_trials")
    public Integer maxTrials;
    /** Stop after this many hours of running (pauses do not count; null: no limit). */
    @Column(name = "max_hours")
    public Double maxHours;
    /** Stop after this many trained trials in a row without a keep (null: no limit). */
    @Column(name = "stop_after_no_keep")
    public Integer stopAfterNoKeep;
    /** When the campaign last started running; null while paused or stopped. */
    @Column(name = "active_since")
    public Instant activeSince = createdAt;
    /** Running time before {@link #activeSince}. */
    @Column(name = "active_seconds")
    public double activeSeconds;
    @Column(name = "state_changed_at")
    public Instant stateChangedAt = createdAt;
    @Column(name = "stop_reason")
    public String stopReason;

    public boolean isRunning() {
        return state == CampaignState.running;
    }

    /** Hours spent running so far, pauses excluded. */
    public double hoursRunning(Instant now) {
        double seconds = activeSeconds + (activeSince == null ? 0 : Duration.between(activeSince, now).toMillis() / 1000.0);
        return seconds / 3600.0;
    }

    /** Stops taking proposals until {@link #resume}; trials in flight finish. */
    public void pause(Instant now) {
        settleActiveTime(now);
        state = CampaignState.paused;
        stateChangedAt = now;
    }

    public void resume(Instant now) {
        state = CampaignState.running;
        activeSince = now;
        stateChangedAt = now;
    }

    /** Stops for good, saying why; trials in flight finish and are recorded. */
    public void stop(Instant now, String reason) {
        settleActiveTime(now);
        state = CampaignState.stopped;
        stopReason = reason;
        stateChangedAt = now;
    }

    /** An imported history: it is shown, never proposed to. */
    public void markImported() {
        stop(Instant.now(), "imported history: it takes no proposals");
    }

    private void settleActiveTime(Instant now) {
        if (activeSince != null) {
            activeSeconds += Duration.between(activeSince, now).toMillis() / 1000.0;
            activeSince = null;
        }
    }
}
