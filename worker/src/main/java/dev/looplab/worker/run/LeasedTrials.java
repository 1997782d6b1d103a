package dev.looplab.worker.run;

import dev.looplab.events.RunRequest;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a trial under a lease: claims the attempt from the platform (skipping requests that are
 * superseded, recorded or held by another worker), renews the lease with heartbeats while the trial
 * runs, and hands the attempt back when the worker is stopped mid-trial.
 */
public final class LeasedTrials implements TrialHandler {
    private static final Logger LOG = Logger.getLogger(LeasedTrials.class);

    private final TrialHandler trials;
    private final PlatformLeases platform;
    private final LeaseHeartbeat heartbeat;
    private final Duration defaultInterval;

    /** {@code platform} may be null: the worker then takes attempts by its first event, without claiming. */
    public LeasedTrials(TrialHandler trials, PlatformLeases platform, LeaseHeartbeat heartbeat,
                        Duration defaultInterval) {
        this.trials = trials;
        this.platform = platform;
        this.heartbeat = heartbeat;
        this.defaultInterval = defaultInterval;
    }

    @Override
    public void handle(RunRequest request) throws InterruptedException {
        Duration interval = defaultInterval;
        if (platform != null) {
            PlatformLeases.Claim claim = platform.claim(request);
            if (!claim.granted()) {
                // returning normally commits the offset: the request is done with, not lost
                LOG.infof("skipping trial %s attempt %d: %s", request.trialId(), request.attempt(), claim.refusal());
                return;
            }
            interval = Duration.ofSeconds(claim.grant().heartbeatSeconds());
        }
        Thread trialThread = Thread.currentThread();
        AtomicReference<String> cancelled = new AtomicReference<>();
        try (LeaseHeartbeat.Beat beat = heartbeat.start(request, interval, reason -> {
            if (cancelled.compareAndSet(null, reason)) {
                trialThread.interrupt();
            }
        })) {
            trials.handle(request);
        } catch (InterruptedException e) {
            if (cancelled.get() != null) {
                // the platform has the trial's outcome from another attempt: this run's result would not count
                Thread.interrupted();
                LOG.warnf("trial %s attempt %d stopped: %s", request.trialId(), request.attempt(), cancelled.get());
                return;
            }
            if (platform != null) {
                platform.handBack(request, "worker stopping");
            }
            throw e;
        }
    }
}
