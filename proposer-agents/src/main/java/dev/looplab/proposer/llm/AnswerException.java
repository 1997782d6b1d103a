package dev.looplab.proposer.llm;

/** A model's answer that cannot become a proposal; the message says why and is fed back in a repair round. */
public class AnswerException extends RuntimeException {
    public AnswerException(String message) {
        super(message);
    }
}
