package dev.looplab.platform.trial;

/** One knob's literal before and after a trial's diff ({@code from} null for a new line, {@code to} null for a removed one). */
public record KnobChange(String from, String to) {
}
