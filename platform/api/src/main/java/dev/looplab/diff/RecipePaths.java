package dev.looplab.diff;

/** Rules for a path inside a recipe, so a diff can never write outside it or into Git's own files. */
public final class RecipePaths {

    private RecipePaths() {
    }

    /** Null when {@code path} is a safe relative recipe path, else what is wrong with it. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "is empty";
        }
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
            return "is absolute";
        }
        if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
            return "contains a backslash or NUL";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "climbs with '" + segment + "'";
            }
            // Case-insensitive: .GIT is the same folder on macOS and Windows checkouts.
            if (segment.equalsIgnoreCase(".git")) {
                return "points into .git/";
            }
        }
        return null;
    }
}
