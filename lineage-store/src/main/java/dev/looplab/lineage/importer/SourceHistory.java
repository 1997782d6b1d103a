package dev.looplab.lineage.importer;

import java.util.List;

/**
 * A whole source history read by one reader: the root experiment, the others with parents before children,
 * the rows that could not be read, those recovered from another file, and what was noticed without skipping anything.
 *
 * @param sourceKey what names the source for idempotence checks (format and absolute path or given name)
 * @param scoreName the source column that holds the score, or null when none was found
 * @param direction "lower" or "higher" (which score is better), or null without a score
 * @param bestClaim what the source itself names as its best (ARR best.json), or null
 * @param knowledge what the source learned, as Markdown for the campaign's knowledge, or null
 */
record SourceHistory(ImportFormat format, String sourceKey, String scoreName, String direction, SourceTrial root,
        List<SourceTrial> trials, List<SkippedRow> skipped, List<RecoveredRow> recovered, List<String> warnings,
        BestClaim bestClaim, String knowledge) {

    /**
     * The source's own best.
     *
     * @param sourceId the experiment it names, as the rows spell it; null when no row has that id
     * @param named the id as the file wrote it
     * @param score the score it gives, or null
     */
    record BestClaim(String file, String sourceId, String named, Double score) {
    }
}
