package dev.looplab.platform.health;

import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.TrialStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code looplab_trials{status}} (how many trials are in each status; {@code queued} is the queue depth) and
 * {@code looplab_workers_active} (workers holding a lease), counted from PostgreSQL every few seconds so a scrape
 * never waits on the database.
 */
@ApplicationScoped
public class TrialGauges {
    private static final Logger LOG = Logger.getLogger(TrialGauges.class);

    @Inject
    TrialRepository trials;
    @Inject
    MeterRegistry registry;

    private final Map<TrialStatus, Long> byStatus = new ConcurrentHashMap<>();
    private volatile long activeWorkers;

    void register(@Observes StartupEvent start) {
        for (TrialStatus status : TrialStatus.values()) {
            byStatus.put(status, 0L);
            Gauge.builder("looplab_trials", byStatus, m -> m.getOrDefault(status, 0L))
                    .tag("status", status.name()).description("trials in this status").register(registry);
        }
        Gauge.builder("looplab_workers_active", this, g -> g.activeWorkers)
                .description("workers holding a live lease").register(registry);
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            Map<TrialStatus, Long> counts = QuarkusTransaction.requiringNew().call(() -> trials.countByStatus());
            Map<TrialStatus, Long> all = new EnumMap<>(TrialStatus.class);
            for (TrialStatus status : TrialStatus.values()) {
                all.put(status, counts.getOrDefault(status, 0L));
            }
            byStatus.putAll(all);
            activeWorkers = QuarkusTransaction.requiringNew().call(() -> trials.countActiveWorkers());
        } catch (RuntimeException e) {
            LOG.debugf("trial gauges not refreshed: %s", e.getMessage());
        }
    }
}
