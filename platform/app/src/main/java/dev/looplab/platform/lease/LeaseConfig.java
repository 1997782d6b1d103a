package dev.looplab.platform.lease;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long a worker's lease on an attempt lasts and how often lost attempts are re-queued. */
@ConfigMapping(prefix = "looplab.leases")
public interface LeaseConfig {

    /** A lease not renewed for this long is lost; workers renew every third of it. */
    @WithDefault("30s")
    Duration ttl();

    /** Attempts a trial may lose to dead workers before it is recorded as worker_lost. */
    @WithDefault("3")
    int maxAttempts();

    /** How often the monitor looks for expired leases ({@code looplab.leases.check-interval}). */
    @WithDefault("5s")
    Duration checkInterval();
}
