package dev.looplab.proposer;

import dev.looplab.proposer.llm.LangChainChat;
import dev.looplab.proposer.llm.LlmChat;
import dev.looplab.proposer.llm.LlmSettings;
import dev.looplab.proposer.llm.TokenLedger;
import dev.looplab.proposer.platform.PlatformClient;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Makes the proposer's plain objects from its configuration: the platform client, metrics, the LLM and its ledger. */
public class ProposerBeans {

    @Produces
    @Singleton
    PlatformClient platformClient(ProposerConfig config) {
        return new PlatformClient(config.platform().url(), dev.looplab.access.PlatformToken.of(
                config.platform().token().orElse(null), config.platform().tokenFile().orElse(null)));
    }

    @Produces
    @Singleton
    ProposerMetrics metrics(MeterRegistry registry) {
        return new ProposerMetrics(registry);
    }

    @Produces
    @Singleton
    LlmSettings llmSettings(ProposerConfig config) {
        ProposerConfig.Llm l = config.llm();
        return new LlmSettings(l.provider(), l.baseUrl(), l.apiKey(), l.model(), l.tokenBudget(), l.timeout(),
                l.maxOutputTokens(), l.temperature(), l.repairs());
    }

    /** The configured language model, absent unless {@code LOOPLAB_LLM_MODEL} is set. */
    @Produces
    @Singleton
    Optional<LlmChat> llm(LlmSettings settings) {
        return settings.enabled() ? Optional.of(LangChainChat.of(settings)) : Optional.empty();
    }

    @Produces
    @Singleton
    TokenLedger tokenLedger(ProposerConfig config) {
        return new TokenLedger(config.home().resolve("proposer"));
    }
}
