package dev.looplab.lineage.note;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.looplab.events.ArtifactRef;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of one trial as a note on {@code refs/notes/outcomes}: lines a person reads in
 * {@code git log --notes=outcomes}, then a JSON block that tools read back. The platform, the importers and
 * the lineage index all go through this type: {@link #render()} writes a note, {@link #parse(String)} reads one.
 *
 * @param metrics the evaluator's side metrics (numbers; an imported row may also carry text)
 * @param environment the attempt's fingerprint (JDK, libraries, CPU, threads, steps, sandbox ...)
 * @param keepRule which rule decided keep or discard: first, threshold or 2sigma
 * @param imported where an imported trial came from; null for trials Looplab ran
 * @param testScore the score on the task's test slice, which no keep decision reads; present only on the note of a
 *                  trial that became its campaign's best
 */
public record OutcomeNote(
        String trial,
        TrialStatus status,
        Double score,
        Direction direction,
        String parentTrial,
        Double deltaVsParent,
        Double deltaVsBest,
        Map<String, Object> metrics,
        Double trainSeconds,
        Double evalSeconds,
        Long artifactBytes,
        Long seed,
        String evaluator,
        String evaluatorVersion,
        String dataSha256,
        String worker,
        Integer attempt,
        List<ArtifactRef> artifacts,
        String keepRule,
        String feedback,
        Map<String, String> environment,
        Imported imported,
        Double testScore) {

    // Keys of the JSON block: renaming one breaks every lineage written before, so they live here once.
    static final String TRIAL = "trial";
    static final String STATUS = "status";
    static final String SCORE = "score";
    private static final String DIRECTION = "direction";
    private static final String PARENT = "parentTrial";
    private static final String DELTA_PARENT = "deltaVsParent";
    private static final String DELTA_BEST = "deltaVsBest";
    private static final String METRICS = "metrics";
    private static final String TRAIN_SECONDS = "trainSeconds";
    private static final String EVAL_SECONDS = "evalSeconds";
    private static final String ARTIFACT_BYTES = "artifactBytes";
    private static final String SEED = "seed";
    private static final String EVALUATOR = "evaluator";
    private static final String EVALUATOR_VERSION = "evaluatorVersion";
    private static final String DATA_SHA = "dataSha256";
    private static final String WORKER = "worker";
    private static final String ATTEMPT = "attempt";
    private static final String ARTIFACTS = "artifacts";
    private static final String KEEP_RULE = "keepRule";
    private static final String FEEDBACK = "feedback";
    private static final String ENVIRONMENT = "environment";
    private static final String IMPORTED = "imported";
    private static final String TEST_SCORE = "testScore";

    /**
     * The only file in the commit of an imported trial whose code is unknown; the note names it. Kept here, not in
     * the store that writes it, so this package does not depend on the store.
     */
    public static final String CODE_UNKNOWN_FILE = "CODE-UNKNOWN.md";

    /** Fingerprint keys worth a line of text; the JSON block holds them all. */
    private static final List<String> ENVIRONMENT_LINE = List.of("jdk", "djl", "libtorch", "cpu", "threads", "gpu",
            "os", "train_steps", "planned_steps", "budget_s", "sandbox");
    // Notes older than the JSON block, or written by hand, may only say "status: keep".
    private static final Pattern TEXT_STATUS = Pattern.compile("(?m)^status:\\s*(\\S+)");
    private static final JsonFactory STREAMS = new JsonFactory();

    public OutcomeNote {
        if (trial == null || trial.isBlank()) {
            throw new IllegalArgumentException("an outcome note needs the trial id");
        }
        if (status == null) {
            throw new IllegalArgumentException("the outcome note of trial " + trial + " needs a status");
        }
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        environment = environment == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(environment));
    }

    /** A note without a test score: a trial that is not a new best, a task without a test slice, an import. */
    public OutcomeNote(String trial, TrialStatus status, Double score, Direction direction, String parentTrial,
                       Double deltaVsParent, Double deltaVsBest, Map<String, Object> metrics, Double trainSeconds,
                       Double evalSeconds, Long artifactBytes, Long seed, String evaluator, String evaluatorVersion,
                       String dataSha256, String worker, Integer attempt, List<ArtifactRef> artifacts, String keepRule,
                       String feedback, Map<String, String> environment, Imported imported) {
        this(trial, status, score, direction, parentTrial, deltaVsParent, deltaVsBest, metrics, trainSeconds,
                evalSeconds, artifactBytes, seed, evaluator, evaluatorVersion, dataSha256, worker, attempt, artifacts,
                keepRule, feedback, environment, imported, null);
    }

    /** The same note with {@code testScore}, the new best's score on the task's test slice. */
    public OutcomeNote withTestScore(Double testScore) {
        return new OutcomeNote(trial, status, score, direction, parentTrial, deltaVsParent, deltaVsBest, metrics,
                trainSeconds, evalSeconds, artifactBytes, seed, evaluator, evaluatorVersion, dataSha256, worker, attempt,
                artifacts, keepRule, feedback, environment, imported, testScore);
    }

    /**
     * Where an imported trial came from.
     *
     * @param scoreName the source column that held the score
     * @param line the source's results.tsv line (0 for a root the source lacks)
     * @param row every column of the source row as written
     */
    public record Imported(String format, String source, String sourceId, String sourceStatus, String scoreName,
            String resultsFile, int line, boolean codeKnown, String code, Map<String, String> row) {

        public Imported {
            row = row == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(row));
        }
    }

    /** The note as stored: readable lines, a blank line, then the JSON block. */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("Outcome of trial ").append(trial).append(": ").append(status);
        if (imported != null) {
            text.append(" (imported; ").append(imported.format()).append(" status ").append(imported.sourceStatus())
                    .append(')');
        }
        text.append('\n');
        if (score != null) {
            text.append(String.format(Locale.ROOT, "score: %.6f%s (%s is better)%n", score,
                    imported != null && imported.scoreName() != null ? " " + imported.scoreName() : "", direction));
        }
        if (testScore != null) {
            // beside the score, so a best that fits the validation slice but not the test slice shows in git log
            text.append(String.format(Locale.ROOT, "test: %.6f (the test slice, scored for a new best only)%n",
                    testScore));
        }
        if (deltaVsParent != null) {
            text.append(String.format(Locale.ROOT, "delta vs parent %s: %+.6f%n", parentTrial, deltaVsParent));
        }
        if (deltaVsBest != null) {
            text.append(String.format(Locale.ROOT, "delta vs best: %+.6f%n", deltaVsBest));
        }
        if (feedback != null && !feedback.isBlank()) {
            text.append("feedback: ").append(feedback.strip()).append('\n');
        }
        if (imported == null) {
            text.append("evaluator: ").append(evaluator).append(' ').append(evaluatorVersion)
                    .append(", data sha256 ").append(dataSha256).append(", seed ").append(seed).append('\n');
        } else {
            text.append("imported from ").append(imported.source()).append(imported.line() > 0
                    ? ", " + imported.resultsFile() + " line " + imported.line() : "").append(" (")
                    .append(imported.sourceId()).append(")\n");
            text.append(imported.codeKnown() ? "code: " + imported.code() : "code unknown: " + imported.code()
                    + "; the commit holds only " + CODE_UNKNOWN_FILE + ", its parent link is kept").append('\n');
        }
        environmentLine(environment).ifPresent(line -> text.append(line).append('\n'));
        text.append('\n').append(NoteJson.OPEN).append(NoteJson.write(json())).append(NoteJson.CLOSE).append('\n');
        return text.toString();
    }

    /** One readable line of what a run ran on, when its fingerprint has any of the main keys. */
    static Optional<String> environmentLine(Map<String, String> environment) {
        List<String> parts = new ArrayList<>();
        for (String key : ENVIRONMENT_LINE) {
            String value = environment.get(key);
            if (value != null) {
                parts.add(key + " " + value);
            }
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of("environment: " + String.join(", ", parts));
    }

    private ObjectNode json() {
        ObjectNode json = NoteJson.MAPPER.createObjectNode();
        json.put(TRIAL, trial);
        json.put(STATUS, status.name());
        NoteJson.putNumber(json, SCORE, score);
        if (testScore != null) {
            NoteJson.putNumber(json, TEST_SCORE, testScore);
        }
        json.put(DIRECTION, direction == null ? null : direction.name());
        json.put(PARENT, parentTrial);
        NoteJson.putNumber(json, DELTA_PARENT, deltaVsParent);
        NoteJson.putNumber(json, DELTA_BEST, deltaVsBest);
        NoteJson.putValues(json, METRICS, metrics);
        NoteJson.putNumber(json, TRAIN_SECONDS, trainSeconds);
        NoteJson.putNumber(json, EVAL_SECONDS, evalSeconds);
        json.put(ARTIFACT_BYTES, artifactBytes);
        json.put(SEED, seed);
        json.put(EVALUATOR, evaluator);
        json.put(EVALUATOR_VERSION, evaluatorVersion);
        json.put(DATA_SHA, dataSha256);
        json.put(WORKER, worker);
        json.put(ATTEMPT, attempt);
        NoteJson.putArtifacts(json, ARTIFACTS, artifacts);
        json.put(KEEP_RULE, keepRule);
        json.put(FEEDBACK, feedback);
        NoteJson.putValues(json, ENVIRONMENT, environment);
        if (imported != null) {
            ObjectNode from = json.putObject(IMPORTED);
            from.put("format", imported.format());
            from.put("source", imported.source());
            from.put("sourceId", imported.sourceId());
            from.put("sourceStatus", imported.sourceStatus());
            from.put("scoreName", imported.scoreName());
            from.put("resultsFile", imported.resultsFile());
            from.put("line", imported.line());
            from.put("codeKnown", imported.codeKnown());
            from.put("code", imported.code());
            NoteJson.putValues(from, "row", imported.row());
        }
        return json;
    }

    /**
     * Reads a note written by {@link #render()} (or by an earlier version of it: missing keys are null).
     *
     * @throws MalformedNoteException when the note has no JSON block, or its status or a number does not read
     */
    public static OutcomeNote parse(String note) {
        ObjectNode json = NoteJson.read(note);
        if (json == null) {
            throw new MalformedNoteException("the note has no ```json block: it was not written as an outcome note");
        }
        String statusName = NoteJson.text(json, STATUS);
        TrialStatus status = TrialStatus.of(statusName).orElseThrow(() -> new MalformedNoteException(
                "\"status\" is " + statusName + ", not one of " + List.of(TrialStatus.values())));
        String directionName = NoteJson.text(json, DIRECTION);
        Direction direction = null;
        if (directionName != null) {
            try {
                direction = Direction.valueOf(directionName);
            } catch (IllegalArgumentException e) {
                throw new MalformedNoteException("\"direction\" is " + directionName + ", not lower or higher", e);
            }
        }
        List<ArtifactRef> artifacts = NoteJson.artifacts(json, ARTIFACTS);
        Imported imported = null;
        JsonNode from = json.get(IMPORTED);
        if (from != null && from.isObject()) {
            imported = new Imported(NoteJson.text(from, "format"), NoteJson.text(from, "source"),
                    NoteJson.text(from, "sourceId"), NoteJson.text(from, "sourceStatus"),
                    NoteJson.text(from, "scoreName"), NoteJson.text(from, "resultsFile"), from.path("line").asInt(),
                    from.path("codeKnown").asBoolean(), NoteJson.text(from, "code"), NoteJson.strings(from, "row"));
        }
        return new OutcomeNote(NoteJson.text(json, TRIAL), status, NoteJson.number(json, SCORE), direction,
                NoteJson.text(json, PARENT), NoteJson.number(json, DELTA_PARENT), NoteJson.number(json, DELTA_BEST),
                NoteJson.values(json, METRICS), NoteJson.number(json, TRAIN_SECONDS),
                NoteJson.number(json, EVAL_SECONDS), NoteJson.whole(json, ARTIFACT_BYTES), NoteJson.whole(json, SEED),
                NoteJson.text(json, EVALUATOR), NoteJson.text(json, EVALUATOR_VERSION), NoteJson.text(json, DATA_SHA),
                NoteJson.text(json, WORKER), NoteJson.integer(json, ATTEMPT), artifacts, NoteJson.text(json, KEEP_RULE),
                NoteJson.text(json, FEEDBACK), NoteJson.strings(json, ENVIRONMENT), imported,
                NoteJson.number(json, TEST_SCORE));
    }

    /** Status and score of a note, as the lineage index keeps them; either is null when the note lacks it. */
    public record Summary(TrialStatus status, Double score) {
    }

    /**
     * Reads only status and score, streaming over the JSON block and stopping once both are found: the lineage
     * index reads one per trial at 100,000 trials. A note without a JSON block may still name its status in a
     * {@code status:} line; a status no {@link TrialStatus} has reads as null.
     */
    public static Summary summary(String note) {
        String block = NoteJson.block(note);
        if (block == null) {
            Matcher text = TEXT_STATUS.matcher(note);
            return new Summary(text.find() ? TrialStatus.of(text.group(1)).orElse(null) : null, null);
        }
        TrialStatus status = null;
        Double score = null;
        boolean sawStatus = false;
        boolean sawScore = false;
        try (JsonParser parser = STREAMS.createParser(block)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Summary(null, null);
            }
            while (!(sawStatus && sawScore) && parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                if (STATUS.equals(key)) {
                    sawStatus = true;
                    status = value == JsonToken.VALUE_STRING ? TrialStatus.of(parser.getText()).orElse(null) : null;
                } else if (SCORE.equals(key)) {
                    sawScore = true;
                    score = scoreOf(parser, value);
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            // A damaged block still tells what it told before the damage.
        }
        if (!sawStatus) {
            Matcher text = TEXT_STATUS.matcher(note);
            status = text.find() ? TrialStatus.of(text.group(1)).orElse(null) : null;
        }
        return new Summary(status, score);
    }

    private static Double scoreOf(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_FLOAT || value == JsonToken.VALUE_NUMBER_INT) {
            return parser.getDoubleValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return Double.valueOf(parser.getText());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
