package dev.looplab.lineage.note;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.looplab.events.ArtifactRef;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One paragraph on {@code refs/notes/replays} of the commit a re-run ran: a noise-floor run of the baseline
 * with another seed, or a replay of a trial with its verdict. Paragraphs accumulate on the commit's note;
 * {@link #parseAll(String)} reads every one back.
 *
 * @param kind {@code noise} or {@code replay}
 * @param replayOf the replayed trial; null for a noise-floor run
 * @param verdict identical, within_noise or differs; null for a noise-floor run or a replay that did not finish
 */
public record RerunNote(String trial, String kind, String replayOf, String verdict, String verdictDetail,
        TrialStatus status, Double score, Direction direction, Long seed, Map<String, String> environment,
        List<ArtifactRef> artifacts) {

    public static final String KIND_NOISE = "noise";
    public static final String KIND_REPLAY = "replay";

    public RerunNote {
        if (trial == null || status == null || kind == null) {
            throw new IllegalArgumentException("a re-run note needs the run's id, kind and status");
        }
        environment = environment == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(environment));
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    /** The paragraph as stored: a headline, the score and environment, then the JSON block. */
    public String render() {
        StringBuilder text = new StringBuilder();
        if (KIND_REPLAY.equals(kind)) {
            text.append("Replay ").append(trial).append(" of trial ").append(replayOf).append(": ")
                    .append(verdict == null ? status.name() : verdict).append('\n');
            if (verdictDetail != null) {
                text.append(verdictDetail).append('\n');
            }
        } else {
            text.append("Noise-floor run ").append(trial).append(" (seed ").append(seed).append("): ").append(status)
                    .append('\n');
        }
        if (score != null) {
            text.append(String.format(Locale.ROOT, "score: %s (%s is better)%n", score, direction));
        }
        OutcomeNote.environmentLine(environment).ifPresent(line -> text.append(line).append('\n'));
        ObjectNode json = NoteJson.MAPPER.createObjectNode();
        json.put("trial", trial);
        json.put("kind", kind);
        json.put("replayOf", replayOf);
        json.put("verdict", verdict);
        json.put("verdictDetail", verdictDetail);
        json.put("status", status.name());
        NoteJson.putNumber(json, "score", score);
        json.put("direction", direction == null ? null : direction.name());
        json.put("seed", seed);
        NoteJson.putValues(json, "environment", environment);
        NoteJson.putArtifacts(json, "artifacts", artifacts);
        text.append(NoteJson.OPEN).append(NoteJson.write(json)).append(NoteJson.CLOSE).append('\n');
        return text.toString();
    }

    /** Every re-run paragraph of a commit's replay note, oldest first; text that is not one is passed over. */
    public static List<RerunNote> parseAll(String note) {
        List<RerunNote> runs = new ArrayList<>();
        int from = 0;
        while (true) {
            int open = note.indexOf(NoteJson.OPEN, from);
            if (open < 0) {
                return runs;
            }
            int start = open + NoteJson.OPEN.length();
            int close = note.indexOf(NoteJson.CLOSE, start);
            String block = close < 0 ? note.substring(start) : note.substring(start, close);
            from = close < 0 ? note.length() : close + NoteJson.CLOSE.length();
            JsonNode json;
            try {
                json = NoteJson.MAPPER.readTree(block);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                continue;
            }
            TrialStatus status = TrialStatus.of(NoteJson.text(json, "status")).orElse(null);
            String trial = NoteJson.text(json, "trial");
            String kind = NoteJson.text(json, "kind");
            if (status == null || trial == null || kind == null) {
                continue;
            }
            String directionName = NoteJson.text(json, "direction");
            List<ArtifactRef> artifacts = NoteJson.artifacts(json, "artifacts");
            runs.add(new RerunNote(trial, kind, NoteJson.text(json, "replayOf"), NoteJson.text(json, "verdict"),
                    NoteJson.text(json, "verdictDetail"), status, NoteJson.number(json, "score"),
                    directionName == null ? null : Direction.valueOf(directionName), NoteJson.whole(json, "seed"),
                    NoteJson.strings(json, "environment"), artifacts));
        }
    }
}
