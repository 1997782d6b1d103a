package dev.looplab.lineage.importer;

import java.util.List;

/**
 * A whole source history read by one reader: the root experiment, the others with parents before children,
 * the rows that could not be read and what was noticed without skipping anything.
 *
 * @param sourceKey what names the source for idempotence checks (format and absolute path)
 * @param scoreName the source column that holds the score, or null when none was found
 * @param direction "lower" or "higher" (which score is better), or null without a score
 */
record SourceHistory(ImportFormat format, String sourceKey, String scoreName, String direction, SourceTrial root,
        List<SourceTrial> trials, List<SkippedRow> skipped, List<String> warnings) {
}
