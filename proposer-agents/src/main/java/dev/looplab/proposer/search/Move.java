package dev.looplab.proposer.search;

import java.util.List;
import java.util.Map;

/**
 * A proposed move from the parent: knob name to its new literal ({@code changes}, in recipe order, including any
 * knob a constraint repair changed), the model's acquisition and predicted gain over the parent (positive is
 * better), and what the search weighed to choose it.
 *
 * @param repaired knobs a constraint repair changed beyond the chosen ones
 * @param dropped why candidates were dropped (constraint sentences, duplicates, failed regions), most frequent first
 */
public record Move(Map<String, String> changes, double acquisition, double predictedGain, double radius,
                   int evidence, List<String> repaired, List<String> dropped) {
}
