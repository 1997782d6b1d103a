package dev.looplab.lineage.importer;

import java.util.List;
import java.util.Locale;

/**
 * What an import did: the trials recorded (root first), the rows skipped with their line numbers, and what was
 * noticed along the way.
 *
 * @param source the imported folder
 * @param lineage the lineage repository written
 * @param scoreName the source column used as the score, or null
 * @param direction "lower" or "higher", or null without a score
 * @param recovered rows that could not be read as written but were imported from another file (imported, not skipped)
 */
public record ImportReport(ImportFormat format, String source, String lineage, String campaign, String scoreName,
        String direction, String rootTrialId, String bestTrialId, Double bestScore, List<ImportedTrial> trials,
        List<SkippedRow> skipped, List<RecoveredRow> recovered, List<String> warnings) {

    public ImportReport {
        trials = List.copyOf(trials);
        skipped = List.copyOf(skipped);
        recovered = List.copyOf(recovered);
        warnings = List.copyOf(warnings);
    }

    /** Lines a person reads after {@code looplab import}. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "imported %d trials from %s %s into lineage %s (campaign %s)%n",
                trials.size(), format, source, lineage, campaign));
        out.append("root trial: ").append(rootTrialId).append('\n');
        out.append("best trial: ").append(bestTrialId);
        if (bestScore != null) {
            out.append(String.format(Locale.ROOT, " (%s %.6f, %s is better)", scoreName, bestScore, direction));
        }
        out.append('\n');
        long unknown = trials.stream().filter(t -> !t.codeKnown()).count();
        if (unknown > 0) {
            out.append(unknown).append(" trials have unknown code (no snapshot or commit in the source)\n");
        }
        out.append(recovered.size()).append(" rows recovered").append(recovered.isEmpty() ? "" : " (imported):")
                .append('\n');
        recovered.forEach(row -> out.append("  ").append(row).append('\n'));
        out.append(skipped.size()).append(" rows skipped").append(skipped.isEmpty() ? "" : ":").append('\n');
        skipped.forEach(row -> out.append("  ").append(row).append('\n'));
        warnings.forEach(warning -> out.append("warning: ").append(warning).append('\n'));
        return out.toString();
    }
}
