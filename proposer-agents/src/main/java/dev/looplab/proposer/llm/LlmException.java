package dev.looplab.proposer.llm;

/** A call to the language model failed; {@code kind} says how in a word (error, timeout) for metrics. */
public class LlmException extends RuntimeException {
    private final String kind;

    public LlmException(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
