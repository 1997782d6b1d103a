package dev.looplab.lineage.importer;

/**
 * A source row that could not be read as written but was imported from another file that describes it.
 *
 * @param file the source file whose line was broken (results.tsv)
 * @param line 1-based line number in that file
 * @param sourceId the experiment it holds
 * @param how where its values came from
 */
public record RecoveredRow(String file, int line, String sourceId, String how) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + sourceId + " " + how;
    }
}
