package dev.looplab.proposer.constraint;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One rule a recipe's knob values must keep, visible from the recipe before any compute is spent. */
public interface Rule {

    /** The sentence that says how {@code config} (knob name to literal) breaks the rule, or empty when it keeps it. */
    Optional<String> violation(Map<String, String> config);

    /**
     * A config that keeps the rule by changing knobs in {@code editable} (knobs in {@code moved} only as a last
     * resort), or empty when it cannot; the rule may assume {@code violation(config)} is present.
     */
    default Optional<Map<String, String>> repair(Map<String, String> config, Set<String> editable, Set<String> moved,
                                                 KnobBounds bounds) {
        return Optional.empty();
    }

    /** The knobs the rule reads, so a specialist knows which of its moves it constrains. */
    Set<String> knobs();
}
