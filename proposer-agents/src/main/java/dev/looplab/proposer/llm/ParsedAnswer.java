package dev.looplab.proposer.llm;

/** A model's answer read into its three parts. */
public record ParsedAnswer(String hypothesis, double expectedDelta, String diff) {
}
