package dev.looplab.platform.rest;

import jakarta.ws.rs.WebApplicationException;

/**
 * Reads number parameters given as text, so a value that is not a number gets a 400 naming the parameter and
 * what it takes (the framework's own conversion answers with an empty body).
 */
public final class Params {

    private Params() {
    }

    /** {@code value} as a whole number in [min, max]; {@code fallback} when absent. */
    public static int wholeNumber(String name, String value, int min, int max, Integer fallback) {
        if (value == null || value.isBlank()) {
            if (fallback != null) {
                return fallback;
            }
            throw invalid(name, value, min, max);
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min || parsed > max) {
                throw invalid(name, value, min, max);
            }
            return (int) parsed;
        } catch (NumberFormatException e) {
            throw invalid(name, value, min, max);
        }
    }

    private static WebApplicationException invalid(String name, String value, int min, int max) {
        String shown = value == null ? name + " is missing" : name + "=" + (value.length() > 40
                ? value.substring(0, 40) + "..." : value) + " is out of range";
        return new WebApplicationException(ErrorBody.of(400, shown + ": ask for a whole number from " + min + " to "
                + max));
    }
}
