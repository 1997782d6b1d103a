package dev.looplab.events;

/**
 * Body of {@code POST /api/trials/{id}/attempts/{n}/claim} and {@code .../handback}: the worker that
 * asks, and on a handback why it gives the attempt up.
 */
public record LeaseClaim(String worker, String message) {
}
