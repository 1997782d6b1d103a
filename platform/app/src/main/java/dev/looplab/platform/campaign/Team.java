package dev.looplab.platform.campaign;

import java.util.Arrays;
import java.util.List;

/**
 * Who proposes a campaign's trials (the proposer builds the team by this name): one built-in specialist per
 * surface steered by a meta agent, one generalist over every surface, uniform random moves, or language-model
 * specialists (with the built-in ones taking any slot the model cannot fill).
 */
public enum Team {
    specialists, generalist, random, llm;

    public static final Team DEFAULT = specialists;

    /** The team called {@code name}; a clear error naming the choices otherwise. */
    public static Team of(String name) {
        if (name == null || name.isBlank()) {
            return DEFAULT;
        }
        try {
            return valueOf(name.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("team '" + name + "' is not a team; choose one of " + names());
        }
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
