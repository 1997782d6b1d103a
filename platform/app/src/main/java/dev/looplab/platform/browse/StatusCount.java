package dev.looplab.platform.browse;

import dev.looplab.trial.TrialStatus;

/** How many of a campaign's trials are in one status, with the status's group for colouring. */
public record StatusCount(TrialStatus status, String group, long count) {

    /** The group a status is drawn in, as {@code GET /api/statuses} names it. */
    static String groupOf(TrialStatus s) {
        return s.isInFlight() ? "in_flight" : s.isFailure() ? "failure" : s.name();
    }
}
