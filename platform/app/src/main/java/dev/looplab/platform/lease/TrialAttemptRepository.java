package dev.looplab.platform.lease;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads and writes {@link TrialAttempt} rows. */
@ApplicationScoped
public class TrialAttemptRepository implements PanacheRepositoryBase<TrialAttempt, String> {

    public List<TrialAttempt> listForTrial(String trialId) {
        return list("trialId", Sort.ascending("attempt"), trialId);
    }

    public Optional<TrialAttempt> findLatest(String trialId) {
        return find("trialId", Sort.descending("attempt"), trialId).firstResultOptional();
    }

    /** Open attempts whose worker stopped renewing the lease. */
    public List<TrialAttempt> listExpired(Instant now) {
        return list("endedAt is null and leaseExpiresAt < ?1", Sort.ascending("leaseExpiresAt"), now);
    }

    /**
     * Gives every open lease at least {@code ttl} from now: after the platform itself was not watching (stopped,
     * paused or restarting), no worker could renew, so no lease has lapsed for the worker's fault.
     */
    public int extendOpenLeases(Instant now, java.time.Duration ttl) {
        return update("leaseExpiresAt = ?1 where endedAt is null and leaseExpiresAt is not null and leaseExpiresAt < ?1",
                now.plus(ttl));
    }

    /** Re-queued attempts whose run request Kafka has not acknowledged yet (a crash in between). */
    public List<TrialAttempt> listAwaitingRequest() {
        return list("endedAt is null and requestedAt is null and claimedAt is null", Sort.ascending("id"));
    }
}
