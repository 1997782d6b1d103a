package dev.looplab.worker.run;

import dev.looplab.events.RunRequest;
import dev.looplab.events.TrialEvent;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Renews the worker's lease on the attempt it runs by sending a HEARTBEAT event at a fixed interval,
 * from a daemon thread of its own, so a trial of hours keeps its lease whatever the trial thread does.
 */
public final class LeaseHeartbeat implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaseHeartbeat.class);

    private final TrialEventPublisher events;
    private final String workerId;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "looplab-lease-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public LeaseHeartbeat(TrialEventPublisher events, String workerId) {
        this.events = events;
        this.workerId = workerId;
    }

    /** Sends heartbeats for the request's attempt every {@code interval} until the returned beat is closed. */
    public Beat start(RunRequest request, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, not " + interval);
        }
        ScheduledFuture<?> beat = timer.scheduleAtFixedRate(() -> send(request), interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
        return () -> beat.cancel(false);
    }

    private void send(RunRequest request) {
        try {
            // not awaited: one lost heartbeat is covered by the next two within the TTL
            events.publish(new TrialEvent(TrialEvent.SCHEMA, request.trialId(), request.attempt(),
                    TrialEvent.Type.HEARTBEAT, workerId, System.currentTimeMillis(), null, null, null));
        } catch (RuntimeException e) {
            LOG.warnf("heartbeat of trial %s attempt %d not sent: %s", request.trialId(), request.attempt(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** A running heartbeat; closing it stops the beats. */
    @FunctionalInterface
    public interface Beat extends AutoCloseable {
        @Override
        void close();
    }
}
