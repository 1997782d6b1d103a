package dev.looplab.proposer.platform;

import dev.looplab.proposer.ProposerConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes one {@link PlatformClient} for the configured {@code looplab.platform.url}. */
public class PlatformClientProducer {

    @Produces
    @Singleton
    PlatformClient platformClient(ProposerConfig config) {
        return new PlatformClient(config.platform().url());
    }
}
