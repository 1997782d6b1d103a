package dev.looplab.platform.imports;

import dev.looplab.lineage.importer.ImportOptions;

/**
 * What {@code POST /api/imports} takes as JSON (a folder under the configured import root), or as query parameters
 * beside an uploaded zip of the folder (then {@code path} is only the client's name for the source).
 *
 * @param format {@code arr} or {@code autoresearch}
 * @param path the source folder under {@code looplab.imports.root} (absolute, or relative to the root)
 * @param lineage the name of the lineage to write ({@code <home>/lineage/<lineage>.git}, served at /git/&lt;lineage&gt;.git)
 * @param campaign the campaign the trials belong to; the lineage name when absent
 * @param tag the autoresearch branch (old name of {@code branch}); optional
 * @param branch the autoresearch run's branch, any name; optional
 * @param score the score column, overriding detection; optional
 * @param direction {@code lower} or {@code higher}; optional
 * @param gate the accuracy a {@code train_s} score is valid from; optional
 */
public record ImportRequest(String format, String path, String lineage, String campaign, String tag, String branch,
        String score, String direction, Double gate) {

    /** The older five-field request. */
    public ImportRequest(String format, String path, String lineage, String campaign, String tag) {
        this(format, path, lineage, campaign, tag, null, null, null, null);
    }

    ImportOptions options(String sourceName) {
        return new ImportOptions(branch != null && !branch.isBlank() ? branch : tag, score, direction, gate,
                sourceName);
    }
}
