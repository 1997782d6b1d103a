package dev.looplab.events;

/**
 * The platform's answer to a granted claim: the worker holds the attempt until
 * {@code leaseExpiresAtMs} and renews it with a HEARTBEAT every {@code heartbeatSeconds}.
 * A refused claim is a 409 whose {@code reason} says why (superseded, already recorded, held by another worker).
 */
public record LeaseGrant(String trialId, int attempt, String worker, long leaseExpiresAtMs, int heartbeatSeconds) {
}
