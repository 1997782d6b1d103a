package dev.looplab.proposer.platform;

/** One knob's literal before and after a trial's diff, as the platform read it from the knob lines. */
public record KnobChange(String from, String to) {
}
