package dev.looplab.platform.lease;

import dev.looplab.platform.outcome.OutcomeRecorder;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Re-queues attempts whose worker stopped renewing its lease, and records worker_lost when none remain. */
@ApplicationScoped
public class LeaseMonitor {
    private static final Logger LOG = Logger.getLogger(LeaseMonitor.class);

    @Inject
    LeaseService leases;
    @Inject
    OutcomeRecorder outcomes;

    @Scheduled(every = "${looplab.leases.check-interval}", delayed = "${looplab.leases.check-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkLeases() {
        try {
            for (LeaseService.Expiry expiry : leases.expireLeases()) {
                if (expiry instanceof LeaseService.Requeued r) {
                    leases.requestRun(r.trialId(), r.nextAttempt());
                } else if (expiry instanceof LeaseService.Exhausted e) {
                    outcomes.announce(e.lost());
                }
            }
            leases.resendUnrequested();
        } catch (RuntimeException e) {
            // the next check retries; a dead broker or database must not stop the monitor for good
            LOG.errorf(e, "lease check failed; retrying in the next check");
        }
    }
}
