package dev.looplab.proposer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The proposer's typed configuration under {@code looplab.*}. */
@ConfigMapping(prefix = "looplab")
public interface ProposerConfig {

    Platform platform();

    /** An external Kafka cluster's SASL login for the agent role's user (docs/deploy.md, "Kafka"). */
    KafkaLogin kafka();

    interface KafkaLogin {
        Optional<String> securityProtocol();

        Optional<String> saslMechanism();

        Optional<String> username();

        Optional<String> password();
    }

    /** Where the proposer keeps its small state (pending proposals, LLM tokens spent), so a restart does not double-propose. */
    @WithDefault("${user.home}/.looplab")
    Path home();

    Proposer proposer();

    Llm llm();

    /** Where the platform's REST API lives. */
    interface Platform {
        @WithDefault("http://localhost:8080")
        String url();

        /** The proposer's API token (LOOPLAB_TOKEN, role agent), sent on every call; never logged. */
        java.util.Optional<String> token();

        /** A file holding the token instead (LOOPLAB_TOKEN_FILE), as {@code looplab up} hands it over. */
        java.util.Optional<String> tokenFile();

        /** How long a starting proposer without LOOPLAB_KAFKA_BOOTSTRAP keeps asking an unreachable platform. */
        @WithDefault("60s")
        Duration joinTimeout();
    }

    /** How the proposer paces itself. */
    interface Proposer {
        /**
         * Trials a campaign may have in flight; 0 follows the platform's fair share of the live workers
         * ({@code slots} of the campaign's view).
         */
        @WithDefault("0")
        int parallelism();

        /** How often every running campaign is looked at. */
        @WithDefault("2s")
        Duration tick();

        /** Seed for the specialists' and the meta agent's draws, so a campaign can be replayed. */
        OptionalLong seed();

        /** How long a proposal may stay unprocessed before it is sent again (same id; the platform dedupes). */
        @WithDefault("5m")
        Duration resendAfter();

        /** At most this many proposals per campaign per tick. */
        @WithDefault("4")
        int maxPerTick();

        /** The knowledge summary is rewritten at most this often, and only after new outcomes. */
        @WithDefault("30s")
        Duration knowledgeEvery();

        /** The meta agent's floor: a specialist with under this share of the recent slots gets the next. */
        @WithDefault("0.05")
        double metaFloor();

        /** Drive only these campaigns (empty: every running campaign the platform lists). */
        Optional<List<String>> campaigns();
    }

    /** A language model for the {@code llm} team; off while {@code model} is unset. */
    interface Llm {
        /** {@code openai} (any OpenAI-compatible chat endpoint: vLLM, llama.cpp, Ollama, hosted) or {@code anthropic}. */
        @WithDefault("openai")
        String provider();

        /** The endpoint, e.g. {@code http://localhost:8000/v1}; the provider's own when unset. */
        Optional<String> baseUrl();

        Optional<String> apiKey();

        /** The model name; unset turns LLM specialists off (the built-in specialists take their slots). */
        Optional<String> model();

        /** Tokens (in plus out) one campaign may spend; past it the built-in specialists take the slots. */
        @WithDefault("2000000")
        long tokenBudget();

        /** A slower answer counts as a failure. */
        @WithDefault("60s")
        Duration timeout();

        @WithDefault("1500")
        int maxOutputTokens();

        @WithDefault("0.7")
        double temperature();

        /** Repair rounds after a refused answer, each feeding the refusal back. */
        @WithDefault("2")
        int repairs();
    }
}
