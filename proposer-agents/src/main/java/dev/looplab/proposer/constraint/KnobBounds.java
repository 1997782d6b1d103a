package dev.looplab.proposer.constraint;

import dev.looplab.proposer.knob.Knob;
import java.util.Map;
import java.util.Optional;

/** The recipe's knobs by name, so a repair writes a value in range and in the knob's own syntax. */
public record KnobBounds(Map<String, Knob> knobs) {

    public Optional<Knob> knob(String name) {
        return Optional.ofNullable(knobs.get(name));
    }

    /** The literal for a whole number in the knob's type, when it is in range. */
    public Optional<String> literal(String name, long value) {
        Knob k = knobs.get(name);
        if (k == null || !k.type().isNumeric() || (k.range().isPresent() && !k.range().get().contains(value))) {
            return Optional.empty();
        }
        return Optional.of(k.literalOf(value));
    }
}
