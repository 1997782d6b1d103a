package dev.looplab.lineage.importer;

import java.util.Locale;

/**
 * How to read a source beyond its folder; every field may be null for "detect it".
 *
 * @param branch the autoresearch run's branch (any name, e.g. {@code exp/H100/mar8}); ignored for ARR
 * @param scoreColumn the column that holds the score, overriding detection
 * @param direction {@code lower} or {@code higher}: which score is better; needed with an unknown score column
 * @param gate the accuracy a {@code train_s} score is valid from (CIFAR/Airbench); 0.96 when absent
 * @param sourceName what names the source in the lineage for idempotence (the client's folder for an upload);
 *     the folder's absolute path when null
 */
public record ImportOptions(String branch, String scoreColumn, String direction, Double gate, String sourceName) {

    public ImportOptions {
        branch = blankToNull(branch);
        scoreColumn = blankToNull(scoreColumn) == null ? null : scoreColumn.strip().toLowerCase(Locale.ROOT);
        direction = blankToNull(direction) == null ? null : direction.strip().toLowerCase(Locale.ROOT);
        sourceName = blankToNull(sourceName);
        if (direction != null && !direction.equals("lower") && !direction.equals("higher")) {
            throw new ImportException("direction '" + direction + "' is not lower or higher; pass --direction lower"
                    + " when a smaller score is better (val_bpb, train_s), --direction higher otherwise");
        }
        if (gate != null && !(gate > 0 && gate <= 1)) {
            throw new ImportException("gate " + gate + " is not an accuracy in (0, 1]; pass e.g. --gate 0.94");
        }
    }

    /** Detect everything. */
    public static ImportOptions none() {
        return new ImportOptions(null, null, null, null, null);
    }

    /** Only the autoresearch branch. */
    public static ImportOptions branch(String branch) {
        return new ImportOptions(branch, null, null, null, null);
    }

    public ImportOptions withSourceName(String name) {
        return new ImportOptions(branch, scoreColumn, direction, gate, name);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
