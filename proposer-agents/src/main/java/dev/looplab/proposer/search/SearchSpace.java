package dev.looplab.proposer.search;

import dev.looplab.proposer.constraint.Constraints;
import dev.looplab.proposer.constraint.KnobBounds;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What one search step works on: the knobs it may move (one surface's), the parent's configuration, the task's
 * constraints, and {@code fresh}, which says whether a change set makes a recipe not yet tried from this parent.
 *
 * @param keepBar the gain a keep needs (max of the task's threshold and twice the noise floor), for the prior
 */
public record SearchSpace(List<KnobDomain> knobs, Map<String, String> parentConfig, Constraints constraints,
                          KnobBounds bounds, Predicate<Map<String, String>> fresh, double keepBar) {
}
