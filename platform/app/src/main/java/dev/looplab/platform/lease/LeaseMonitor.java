package dev.looplab.platform.lease;

import dev.looplab.platform.outcome.OutcomeRecorder;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Re-queues attempts whose worker stopped renewing its lease, and records worker_lost when none remain. Leases
 * are judged on the time the platform was watching: after a start or a pause every open lease gets a full TTL.
 */
@ApplicationScoped
public class LeaseMonitor {
    private static final Logger LOG = Logger.getLogger(LeaseMonitor.class);

    @Inject
    LeaseService leases;
    @Inject
    OutcomeRecorder outcomes;

    @Inject
    LeaseConfig config;

    // When the monitor last looked; a long gap means the platform was not running (or was stopped).
    private volatile long lastCheckNanos;

    /** As if the monitor had never looked: its next check forgives the time since (tests of an outage). */
    void forgetLastCheck() {
        lastCheckNanos = 0;
    }

    @Scheduled(every = "${looplab.leases.check-interval}", delayed = "${looplab.leases.check-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkLeases() {
        try {
            long now = System.nanoTime();
            long gap = lastCheckNanos == 0 ? Long.MAX_VALUE : now - lastCheckNanos;
            // the first look after a start, or after a pause of three checks, forgives the time nobody watched
            if (gap > 3 * config.checkInterval().toNanos()) {
                leases.graceAfterOutage(lastCheckNanos == 0 ? config.ttl() : java.time.Duration.ofNanos(gap));
            }
            for (LeaseService.Expiry expiry : leases.expireLeases()) {
                if (expiry instanceof LeaseService.Requeued r) {
                    leases.requestRun(r.trialId(), r.nextAttempt());
                } else if (expiry instanceof LeaseService.Exhausted e) {
                    outcomes.announce(e.lost());
                }
            }
            leases.resendUnrequested();
            lastCheckNanos = System.nanoTime();
        } catch (RuntimeException e) {
            // the next check retries; a dead broker or database must not stop the monitor for good
            LOG.errorf(e, "lease check failed; retrying in the next check");
        }
    }
}
