package dev.looplab.proposer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/** The proposer's typed configuration under {@code looplab.*}. */
@ConfigMapping(prefix = "looplab")
public interface ProposerConfig {

    Platform platform();

    /** The campaign this proposer drives. */
    @WithDefault("golf-mini-default")
    String campaign();

    /** Where the proposer keeps its small state (pending proposals), so a restart does not double-propose. */
    @WithDefault("${user.home}/.looplab")
    Path home();

    Proposer proposer();

    /** Where the platform's REST API lives. */
    interface Platform {
        @WithDefault("http://localhost:8080")
        String url();
    }

    /** How the proposer paces itself. */
    interface Proposer {
        /** Trials the campaign may have in flight before the proposer waits. */
        @WithDefault("1")
        int parallelism();

        /** How often the campaign loop looks at the platform. */
        @WithDefault("2s")
        Duration tick();

        /** Seed for the specialists' tie-breaks, so a campaign can be replayed. */
        OptionalLong seed();

        /** How long a proposal may stay unprocessed before it is sent again (same id; the platform dedupes). */
        @WithDefault("5m")
        Duration resendAfter();
    }
}
