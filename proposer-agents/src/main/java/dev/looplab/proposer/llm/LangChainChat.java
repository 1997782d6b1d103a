package dev.looplab.proposer.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link LlmChat} over langchain4j: an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp's server,
 * Ollama, hosted APIs) or Anthropic's messages API, configured by {@code LOOPLAB_LLM_*}. No retries: a failed or slow
 * call hands the slot to the surface's built-in specialist at once.
 */
public final class LangChainChat implements LlmChat {
    private final ChatModel model;
    private final String modelName;

    private LangChainChat(ChatModel model, String modelName) {
        this.model = model;
        this.modelName = modelName;
    }

    /** The configured model, or a clear error naming the setting to fix. */
    public static LangChainChat of(LlmSettings llm) {
        String name = llm.model().orElseThrow(() -> new IllegalArgumentException(
                "LOOPLAB_LLM_MODEL is not set: name the model to use, e.g. gpt-4o-mini or claude-sonnet-4-5"));
        String key = llm.apiKey().filter(k -> !k.isBlank()).orElse("none");
        ChatModel chat = switch (llm.provider().toLowerCase(Locale.ROOT)) {
            case "openai" -> {
                var b = OpenAiChatModel.builder().apiKey(key).modelName(name).timeout(llm.timeout()).maxRetries(0)
                        .temperature(llm.temperature()).maxTokens(llm.maxOutputTokens());
                llm.baseUrl().filter(u -> !u.isBlank()).ifPresent(b::baseUrl);
                yield b.build();
            }
            case "anthropic" -> {
                var b = AnthropicChatModel.builder().apiKey(key).modelName(name).timeout(llm.timeout()).maxRetries(0)
                        .temperature(llm.temperature()).maxTokens(llm.maxOutputTokens());
                llm.baseUrl().filter(u -> !u.isBlank()).ifPresent(b::baseUrl);
                yield b.build();
            }
            default -> throw new IllegalArgumentException("LOOPLAB_LLM_PROVIDER '" + llm.provider()
                    + "' is not a provider; use openai (any OpenAI-compatible endpoint) or anthropic");
        };
        return new LangChainChat(chat, name);
    }

    @Override
    public String model() {
        return modelName;
    }

    @Override
    public Answer ask(List<Turn> turns) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Turn t : turns) {
            messages.add(switch (t.role()) {
                case SYSTEM -> SystemMessage.from(t.text());
                case USER -> UserMessage.from(t.text());
                case ASSISTANT -> AiMessage.from(t.text());
            });
        }
        ChatResponse response;
        try {
            response = model.chat(messages);
        } catch (RuntimeException e) {
            boolean timeout = causedBy(e, HttpTimeoutException.class) || causedBy(e, java.net.SocketTimeoutException.class)
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")
                    || e.getClass().getSimpleName().contains("Timeout");
            throw new LlmException(timeout ? "timeout" : "error", "the model " + modelName + " did not answer: " + e,
                    e);
        }
        String text = response.aiMessage() == null ? null : response.aiMessage().text();
        TokenUsage usage = response.tokenUsage();
        long in = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long out = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        String answeredBy = response.modelName() != null ? response.modelName() : modelName;
        return new Answer(text == null ? "" : text, answeredBy, in, out);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
