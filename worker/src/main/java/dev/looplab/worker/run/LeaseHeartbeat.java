package dev.looplab.worker.run;

import dev.looplab.events.RunRequest;
import dev.looplab.events.TrialEvent;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Renews the worker's lease on the attempt it runs at a fixed interval, from a daemon thread of its own, so a
 * trial of hours keeps its lease whatever the trial thread does: over REST when the worker knows the platform
 * (a platform that reads Kafka late then never loses a live worker), else as a HEARTBEAT event. A refused REST
 * heartbeat (the trial was recorded by another attempt, or this one was cancelled) calls {@code onRefused}.
 */
public final class LeaseHeartbeat implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaseHeartbeat.class);

    private final TrialEventPublisher events;
    private final PlatformLeases platform;
    private final String workerId;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "looplab-lease-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /** {@code platform} may be null: heartbeats then go as events on the trial-events topic. */
    public LeaseHeartbeat(TrialEventPublisher events, PlatformLeases platform, String workerId) {
        this.events = events;
        this.platform = platform;
        this.workerId = workerId;
    }

    /** Sends heartbeats for the request's attempt every {@code interval} until the returned beat is closed. */
    public Beat start(RunRequest request, Duration interval, Consumer<String> onRefused) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, not " + interval);
        }
        ScheduledFuture<?> beat = timer.scheduleAtFixedRate(() -> beat(request, onRefused), interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
        return () -> beat.cancel(false);
    }

    private void beat(RunRequest request, Consumer<String> onRefused) {
        if (platform == null) {
            send(request);
            return;
        }
        platform.heartbeat(request).ifPresent(reason -> {
            LOG.warnf("the platform refused the heartbeat of trial %s attempt %d: %s", request.trialId(),
                    request.attempt(), reason);
            onRefused.accept(reason);
        });
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
