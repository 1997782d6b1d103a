package dev.looplab.proposer.llm;

import java.util.List;

/** A chat with a language model: the conversation so far in, the model's answer and its token counts out. */
public interface LlmChat {

    /** One message of the conversation. */
    record Turn(Role role, String text) {
    }

    enum Role {
        SYSTEM, USER, ASSISTANT
    }

    /** The model's answer, the model that gave it and the tokens it cost. */
    record Answer(String text, String model, long tokensIn, long tokensOut) {
    }

    /** The model's name as configured. */
    String model();

    /**
     * Sends the conversation.
     *
     * @throws LlmException when the call failed, timed out or was answered with an error
     */
    Answer ask(List<Turn> turns);
}
