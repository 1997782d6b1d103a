package dev.looplab.lineage.importer;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.SnapshotSpec;
import dev.looplab.lineage.TrialCommit;
import dev.looplab.lineage.TrialInfo;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Imports another auto-research tool's history into a lineage: one commit per experiment (its files, or a note
 * that its code is unknown), the outcome note, and {@code refs/heads/best/<campaign>} at the last kept trial. Importing
 * the same source again changes nothing; importing another source into the lineage is refused.
 */
public final class HistoryImporter {

    /** Trailer naming the source experiment of each imported trial ({@code <format> <source id>}). */
    public static final String IMPORTED_FROM = "Looplab-Imported-From";
    /** Trailer of the root naming the whole source ({@code <format> <absolute path>}). */
    public static final String IMPORT_SOURCE = "Looplab-Import-Source";
    /** Trailer {@code unknown} on trials whose code the source did not keep. */
    public static final String CODE = "Looplab-Code";

    private static final Pattern NOT_ID = Pattern.compile("[^A-Za-z0-9._-]");

    private HistoryImporter() {
    }

    /**
     * Reads the source folder in the given format and records it in {@code store} under {@code campaign}; trial
     * ids are {@code <campaign>-<source id>}.
     *
     * @param branch the autoresearch run's branch when the checkout has several; ignored for ARR, may be null
     * @throws ImportException if the source cannot be read as a whole or the lineage holds another history
     */
    public static ImportReport importInto(LineageStore store, ImportFormat format, Path source, String campaign,
            String branch) {
        return importInto(store, format, source, campaign, ImportOptions.branch(branch));
    }

    /**
     * Reads the source folder in the given format, as {@code options} say, and records it in {@code store} under
     * {@code campaign}; trial ids are {@code <campaign>-<source id>}.
     *
     * @throws ImportException if the source cannot be read as a whole or the lineage holds another history
     */
    public static ImportReport importInto(LineageStore store, ImportFormat format, Path source, String campaign,
            ImportOptions options) {
        ImportOptions given = options == null ? ImportOptions.none() : options;
        Path dir = source.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ImportException("import source " + source + " is not a folder on this machine; pass the "
                    + (format == ImportFormat.arr ? "ARR blackboard folder (with results.tsv)"
                            : "autoresearch checkout (with .git and results.tsv)"));
        }
        requireCampaign(campaign);
        String name = given.sourceName() != null ? oneLine(given.sourceName()) : dir.toString();
        SourceHistory history = format == ImportFormat.arr ? ArrBlackboard.read(dir, given, "arr " + name)
                : AutoresearchRun.read(dir, given, "autoresearch " + name);
        requireSameSource(store, history);
        return new Writer(store, history, campaign).write();
    }

    private static void requireCampaign(String campaign) {
        if (campaign == null || !campaign.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") || campaign.contains("..")
                || campaign.endsWith(".lock") || campaign.endsWith(".")) {
            throw new ImportException("campaign '" + campaign + "' is not a valid name; use 1-64 of [A-Za-z0-9._-],"
                    + " starting with a letter or digit");
        }
    }

    private static void requireSameSource(LineageStore store, SourceHistory history) {
        String root = store.rootTrial().orElse(null);
        if (root == null) {
            return;
        }
        TrialInfo info = store.readTrial(root).orElseThrow();
        String recorded = info.trailers().get(IMPORT_SOURCE);
        if (recorded == null) {
            throw new ImportException("lineage " + store.directory() + " already holds trials that were not imported"
                    + " (root trial " + root + "); import into a new lineage name");
        }
        if (!recorded.equals(oneLine(history.sourceKey()))) {
            throw new ImportException("lineage " + store.directory() + " already holds the import of " + recorded
                    + ", not of " + history.sourceKey() + "; import into a new lineage name, or re-import that source");
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }

    /** Writes one history; holds the source-id to trial-id map and the running best. */
    private static final class Writer {
        private final LineageStore store;
        private final SourceHistory history;
        private final String campaign;
        private final Map<String, ImportedTrial> bySource = new HashMap<>();
        private final Set<String> usedIds = new java.util.HashSet<>();
        private final List<ImportedTrial> trials = new ArrayList<>();
        private final Map<String, String> notes = new LinkedHashMap<>();
        private final List<SnapshotSpec> specs = new ArrayList<>();
        private final List<SkippedRow> skipped;
        private final List<String> warnings;
        private ImportedTrial best;
        private Instant lastTime;

        Writer(LineageStore store, SourceHistory history, String campaign) {
            this.store = store;
            this.history = history;
            this.campaign = campaign;
            this.skipped = new ArrayList<>(history.skipped());
            this.warnings = new ArrayList<>(history.warnings());
        }

        ImportReport write() {
            record(history.root());
            for (SourceTrial trial : history.trials()) {
                if (!bySource.containsKey(trial.parentSourceId())) {
                    skipped.add(new SkippedRow(history.format() == ImportFormat.arr ? ArrBlackboard.RESULTS
                            : AutoresearchRun.RESULTS, trial.line(), "parent " + trial.parentSourceId() + " of "
                            + trial.sourceId() + " was not imported"));
                    continue;
                }
                record(trial);
            }
            Map<String, String> commits = new HashMap<>();
            store.recordSnapshots(specs).forEach(c -> commits.put(c.trialId(), c.commitId()));
            trials.replaceAll(t -> t.commitId() != null ? t : new ImportedTrial(t.trialId(), t.parentTrialId(),
                    t.sourceId(), t.line(), t.specialist(), t.surface(), t.hypothesis(), t.expectedDelta(), t.status(),
                    t.sourceStatus(), t.score(), t.deltaVsParent(), t.deltaVsBest(), t.metrics(), t.trainSeconds(),
                    t.feedback(), t.codeKnown(), commits.get(t.trialId()), t.time()));
            Map<String, ImportedTrial> byTrial = new HashMap<>();
            trials.forEach(t -> byTrial.put(t.trialId(), t));
            bySource.replaceAll((id, t) -> byTrial.get(t.trialId()));
            best = best == null ? null : byTrial.get(best.trialId());
            store.putOutcomeNotes(notes);
            best = chooseBest();
            if (best != null) {
                store.moveBest(campaign, best.trialId());
            }
            if (history.knowledge() != null
                    && !store.knowledge(campaign).map(k -> k.equals(history.knowledge())).orElse(false)) {
                store.putKnowledge(campaign, history.knowledge());
            }
            skipped.sort(java.util.Comparator.comparing(SkippedRow::file).thenComparingInt(SkippedRow::line));
            ImportedTrial root = trials.get(0);
            ImportedTrial bestOrRoot = best == null ? root : best;
            return new ImportReport(history.format(), history.sourceKey().substring(history.format().name().length() + 1),
                    store.directory().toString(), campaign, history.scoreName(), history.direction(), root.trialId(),
                    bestOrRoot.trialId(), bestOrRoot.score(), trials, skipped, history.recovered(), warnings);
        }

        /**
         * The source's own best (best.json) when it names an imported trial, else the last kept trial: the source
         * judged keep against its best at the time. Every disagreement between the claim and the rows is a warning.
         */
        private ImportedTrial chooseBest() {
            ImportedTrial lastKeep = best;
            ImportedTrial byScore = null;
            for (ImportedTrial t : trials) {
                if (t.status() == TrialStatus.keep && t.score() != null && (byScore == null || better(t, byScore))) {
                    byScore = t;
                }
            }
            SourceHistory.BestClaim claim = history.bestClaim();
            if (claim == null) {
                return lastKeep;
            }
            ImportedTrial claimed = claim.sourceId() == null ? null : bySource.get(claim.sourceId());
            if (claimed == null) {
                warnings.add(claim.file() + " names " + claim.named() + " as the best, which is not an imported row"
                        + " (missing or skipped); the best is the last kept trial "
                        + (lastKeep == null ? "(none)" : lastKeep.trialId()));
                return lastKeep;
            }
            if (claim.score() != null && (claimed.score() == null || !same(claim.score(), claimed.score()))) {
                warnings.add(String.format(Locale.ROOT, "%s gives %s the score %.6f but its row has %s; the row's"
                        + " score is kept", claim.file(), claim.named(), claim.score(),
                        claimed.score() == null ? "none" : String.format(Locale.ROOT, "%.6f", claimed.score())));
            }
            if (byScore != null && byScore != claimed && claimed.score() != null && better(byScore, claimed)) {
                warnings.add(String.format(Locale.ROOT, "%s names %s as the best but kept row %s scores better"
                        + " (%s %.6f against %.6f); %s is followed", claim.file(), claim.named(), byScore.sourceId(),
                        history.scoreName(), byScore.score(), claimed.score(), claim.file()));
            }
            if (claimed.status() != TrialStatus.keep) {
                warnings.add(claim.file() + " names " + claim.named() + " as the best but its row's status is "
                        + claimed.sourceStatus() + "; " + claim.file() + " is followed");
            }
            return claimed;
        }

        private boolean better(ImportedTrial a, ImportedTrial b) {
            return "higher".equals(history.direction()) ? a.score() > b.score() : a.score() < b.score();
        }

        private static boolean same(double a, double b) {
            return Math.abs(a - b) <= 1e-9 * Math.max(1.0, Math.abs(b));
        }

        private void record(SourceTrial source) {
            if (source.status() == null || !source.status().isFinal()) {
                throw new IllegalStateException("reader mapped " + source.sourceId() + " to " + source.status()
                        + ", which is not a recorded status");
            }
            String trialId = trialId(source);
            if (trialId == null) {
                return;
            }
            ImportedTrial parent = source.parentSourceId() == null ? null : bySource.get(source.parentSourceId());
            Instant time = source.time() != null ? source.time() : lastTime == null ? Instant.now() : lastTime.plusSeconds(1);
            lastTime = time;
            Map<String, String> trailers = new LinkedHashMap<>();
            trailers.put("Looplab-Specialist", oneLine(source.specialist()));
            trailers.put("Looplab-Surface", oneLine(source.surface()));
            trailers.put("Looplab-Campaign", campaign);
            trailers.put(IMPORTED_FROM, history.format() + " " + source.sourceId());
            if (parent == null) {
                trailers.put(IMPORT_SOURCE, oneLine(history.sourceKey()));
            }
            if (source.files() == null) {
                trailers.put(CODE, "unknown");
            }
            SnapshotSpec spec = new SnapshotSpec(trialId, parent == null ? null : parent.trialId(),
                    source.hypothesis(), trailers, source.files(), time);
            // the root goes alone (it creates the root ref); the others are written together in write()
            String commitId = null;
            if (parent == null) {
                commitId = store.recordSnapshot(spec).commitId();
            } else {
                specs.add(spec);
            }
            Double deltaVsParent = source.score() != null && parent != null && parent.score() != null
                    ? source.score() - parent.score() : null;
            Double deltaVsBest = source.deltaVsBest() != null ? source.deltaVsBest()
                    : source.score() != null && best != null && best.score() != null ? source.score() - best.score() : null;
            ImportedTrial trial = new ImportedTrial(trialId, parent == null ? null : parent.trialId(), source.sourceId(),
                    source.line(), source.specialist(), source.surface(), source.hypothesis(), source.expectedDelta(),
                    source.status(), source.sourceStatus(), source.score(), deltaVsParent, deltaVsBest, source.metrics(),
                    source.trainSeconds(), source.feedback(), source.files() != null, commitId, time);
            // one notes commit for the whole history, written after the trials; a repeated import changes none
            notes.put(trialId, note(trial, source).render());
            bySource.put(source.sourceId(), trial);
            trials.add(trial);
            // The source judged keep against its own best at the time, so the last kept experiment is the best.
            if (trial.status() == TrialStatus.keep) {
                best = trial;
            }
        }

        private String trialId(SourceTrial source) {
            String id = campaign + "-" + NOT_ID.matcher(source.sourceId()).replaceAll("_").replace("..", "_");
            if (id.endsWith(".") || id.endsWith(".lock")) {
                id = id + "_";
            }
            if (id.length() > 128) {
                skipped.add(new SkippedRow(resultsFile(), source.line(), "id " + source.sourceId()
                        + " makes a trial id longer than 128 characters; shorten the campaign name"));
                return null;
            }
            if (!usedIds.add(id)) {
                skipped.add(new SkippedRow(resultsFile(), source.line(), "id " + source.sourceId()
                        + " gives trial id " + id + ", which another row already has"));
                return null;
            }
            return id;
        }

        private String resultsFile() {
            return history.format() == ImportFormat.arr ? ArrBlackboard.RESULTS : AutoresearchRun.RESULTS;
        }

        private OutcomeNote note(ImportedTrial t, SourceTrial source) {
            OutcomeNote.Imported imported = new OutcomeNote.Imported(history.format().name(), history.sourceKey(),
                    source.sourceId(), source.sourceStatus(), history.scoreName(), resultsFile(), source.line(),
                    t.codeKnown(), source.code(), source.raw());
            return new OutcomeNote(t.trialId(), t.status(), t.score(),
                    history.direction() == null ? null : Direction.valueOf(history.direction()), t.parentTrialId(),
                    t.deltaVsParent(), t.deltaVsBest(), t.metrics(), t.trainSeconds(), null, null, null,
                    "imported:" + history.format(), null, null, null, null, null, null, t.feedback(), null, imported);
        }
    }
}
