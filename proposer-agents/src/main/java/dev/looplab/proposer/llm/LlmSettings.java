package dev.looplab.proposer.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * How to reach the language model ({@code LOOPLAB_LLM_*}): provider ({@code openai} for any OpenAI-compatible
 * endpoint, or {@code anthropic}), base URL, key and model; the token budget per campaign; the timeout after which
 * a call counts as failed; output tokens, temperature and repair rounds.
 */
public record LlmSettings(String provider, Optional<String> baseUrl, Optional<String> apiKey, Optional<String> model,
                          long tokenBudget, Duration timeout, int maxOutputTokens, double temperature, int repairs) {

    /** True when a model is named: the llm team then uses it. */
    public boolean enabled() {
        return model.filter(m -> !m.isBlank()).isPresent();
    }
}
