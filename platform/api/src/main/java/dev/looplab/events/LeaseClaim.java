package dev.looplab.events;

/**
 * Body of {@code POST /api/trials/{id}/attempts/{n}/claim}, {@code .../heartbeat} and {@code .../handback}: the
 * worker that asks, and on a handback why it gives the attempt up ({@link #REPORTED} on a last heartbeat).
 */
public record LeaseClaim(String worker, String message) {
    /**
     * The message of a last heartbeat that says the attempt's FINISHED event is on the trial-events topic: the
     * platform keeps the lease until it has read it.
     */
    public static final String REPORTED = "reported";
}
