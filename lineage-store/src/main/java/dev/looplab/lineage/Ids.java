package dev.looplab.lineage;

import java.util.regex.Pattern;

/** Checks on names that become parts of ref names or trailer values. */
final class Ids {

    // Narrower than git's ref rules on purpose: ids also travel in Kafka keys, URLs and file names.
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Ids() {
    }

    static void requireId(String what, String id) {
        if (id == null || !ID.matcher(id).matches() || id.contains("..") || id.endsWith(".lock")
                || id.endsWith(".")) {
            throw new IllegalArgumentException(what + " '" + id + "' is not a valid id; use 1-128 of"
                    + " [A-Za-z0-9._-], starting with a letter or digit, without '..' or a '.lock'/'.' ending");
        }
    }

    static void requireOneLine(String what, String value) {
        if (value == null || value.isBlank() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' must be a non-empty single line; it is written as a git trailer");
        }
    }
}
