package dev.looplab.lineage.importer;

/**
 * A row of the source that was not imported, and why.
 *
 * @param file the source file, relative to the imported folder (results.tsv, tree.tsv)
 * @param line 1-based line number in that file
 */
public record SkippedRow(String file, int line, String reason) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + reason;
    }
}
