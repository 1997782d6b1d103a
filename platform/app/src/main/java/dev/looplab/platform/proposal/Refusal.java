package dev.looplab.platform.proposal;

/** A proposal the platform will not turn into a trial; the message names the input and the fix. */
public class Refusal extends RuntimeException {
    public Refusal(String message) {
        super(message);
    }
}
