package dev.looplab.platform.lease;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One attempt at a trial and the lease its worker holds; the highest attempt of a trial is the current one. */
@Entity
@Table(name = "trial_attempt")
public class TrialAttempt {
    static final String FINISHED = "finished";
    static final String LOST = "lost";
    static final String HANDED_BACK = "handed_back";
    /** Another attempt of the trial finished first; this one's result no longer counts. */
    static final String CANCELLED = "cancelled";

    @Id
    public String id;
    @Column(name = "trial_id")
    public String trialId;
    public int attempt;
    public String worker;
    @Column(name = "requested_at")
    public Instant requestedAt;
    @Column(name = "claimed_at")
    public Instant claimedAt;
    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    public String ending;

    static TrialAttempt of(String trialId, int attempt) {
        TrialAttempt a = new TrialAttempt();
        a.id = trialId + ":" + attempt;
        a.trialId = trialId;
        a.attempt = attempt;
        return a;
    }

    boolean isOpen() {
        return endedAt == null;
    }

    boolean leaseLive(Instant now) {
        return leaseExpiresAt != null && leaseExpiresAt.isAfter(now);
    }

    void end(String how, Instant at) {
        ending = how;
        endedAt = at;
    }
}
