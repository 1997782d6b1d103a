package dev.looplab.platform.run;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How run requests reach the workers ({@code looplab.runs.*}). */
@ConfigMapping(prefix = "looplab.runs")
public interface RunsConfig {

    /** {@code fair}: the platform hands each live worker its next run; {@code direct}: publish at once, keyed. */
    @WithDefault("fair")
    Dispatch dispatch();

    /**
     * Partitions of {@code looplab.runs}: more than the most workers expected, since a worker owns whole partitions
     * and one without a partition gets no work. A topic with fewer is grown at start.
     */
    @WithDefault("12")
    int partitions();

    /** Runs a busy worker may hold waiting behind its running trial, so it starts the next one without a round trip. */
    @WithDefault("1")
    int backlog();

    /** How often the dispatcher looks for free workers besides every claim and finish. */
    @WithDefault("250ms")
    Duration tick();

    /** How run requests are sent. */
    enum Dispatch {
        /** Held in PostgreSQL and sent to a partition of a worker with room: work follows the live workers. */
        fair,
        /** Sent at once, keyed by trial: for a platform that cannot describe the workers' consumer group. */
        direct
    }
}
