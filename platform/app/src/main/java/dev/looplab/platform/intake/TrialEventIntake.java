package dev.looplab.platform.intake;

import dev.looplab.events.Json;
import dev.looplab.events.TrialEvent;
import dev.looplab.platform.lease.LeaseService;
import dev.looplab.platform.messaging.LiveUpdates;
import dev.looplab.platform.messaging.RecordGuard;
import dev.looplab.platform.metrics.MetricIngest;
import dev.looplab.platform.outcome.OutcomeRecorder;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.TrialStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code looplab.trial-events} from workers and routes each: heartbeats and progress renew the
 * attempt's lease (and move the trial to running or evaluating), metric points go to the metric store, and a
 * FINISHED that the lease lets count goes to the {@link OutcomeRecorder}.
 */
@ApplicationScoped
public class TrialEventIntake {
    private static final Logger LOG = Logger.getLogger(TrialEventIntake.class);

    @Inject
    TrialRepository trials;
    @Inject
    LeaseService leases;
    @Inject
    OutcomeRecorder outcomes;
    @Inject
    MetricIngest metrics;
    @Inject
    LiveUpdates live;
    @Inject
    RecordGuard guard;
    @Inject
    RunScheduler runs;

    static final String CONSUMER = "platform trial-event intake";

    @Incoming("trial-events")
    @Blocking(ordered = true)
    public void onTrialEvent(ConsumerRecord<String, byte[]> record) {
        guard.consume(CONSUMER, record, payload ->
                apply(Json.read(payload, TrialEvent.class, TrialEvent.SCHEMA, TrialEvent::schema)));
    }

    /** Routes one decoded event. */
    public void apply(TrialEvent event) {
        switch (event.type()) {
            case METRICS -> ingestMetrics(event);
            case HEARTBEAT -> QuarkusTransaction.requiringNew().run(() -> leases.renew(event));
            case STARTED -> progress(event, TrialStatus.running);
            case EVALUATING -> progress(event, TrialStatus.evaluating);
            case FINISHED -> finished(event);
        }
    }

    private void progress(TrialEvent event, TrialStatus status) {
        boolean changed = QuarkusTransaction.requiringNew().call(() -> {
            if (!leases.renew(event)) {
                return false;
            }
            Trial trial = trials.findById(event.trialId());
            if (trial == null || trial.isFinal()) {
                return false;
            }
            trial.markInFlight(status, event.attempt(), event.worker());
            return true;
        });
        if (changed) {
            live.trialChanged(event.trialId(), status);
        }
    }

    private void finished(TrialEvent event) {
        OutcomeRecorder.Recorded recorded = QuarkusTransaction.requiringNew().call(() -> {
            // the row lock serialises a worker's outcome with the lease monitor's worker_lost
            Trial trial = trials.findById(event.trialId(), LockModeType.PESSIMISTIC_WRITE);
            if (trial == null) {
                LOG.warnf("outcome for unknown trial %s (attempt %d) ignored", event.trialId(), event.attempt());
                return null;
            }
            if (trial.isFinal()) {
                LOG.debugf("trial %s already recorded; duplicate outcome of attempt %d ignored", trial.id,
                        event.attempt());
                return null;
            }
            if (!leases.endWithOutcome(event)) {
                return null;
            }
            return outcomes.recordFinished(trial, event);
        });
        // the worker is free: its next run goes out now, not at the dispatcher's next tick
        runs.dispatchSoon();
        if (recorded != null) {
            outcomes.announce(recorded);
        }
    }

    /** Points are informational: a batch that cannot be stored is logged and skipped, never retried forever. */
    private void ingestMetrics(TrialEvent event) {
        try {
            metrics.ingest(event);
        } catch (RuntimeException e) {
            LOG.warnf("skipping %d metric points of trial %s: %s", event.points() == null ? 0 : event.points().size(),
                    event.trialId(), e.getMessage());
        }
    }
}
