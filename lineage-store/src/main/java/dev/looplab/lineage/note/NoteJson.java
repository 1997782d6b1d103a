package dev.looplab.lineage.note;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.looplab.events.ArtifactRef;

import java.util.ArrayList;
import java.util.List;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON block every note ends with: one fenced {@code ```json} block, pretty-printed as {@code "key": value},
 * with non-finite numbers written as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 */
final class NoteJson {
    static final String OPEN = "```json\n";
    static final String CLOSE = "\n```";

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private NoteJson() {
    }

    static String write(ObjectNode json) {
        try {
            return WRITER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a note's JSON cannot be written", e);
        }
    }

    /** The JSON block of {@code note} (the last fenced one: a feedback text may quote another), or null. */
    static ObjectNode read(String note) {
        String block = block(note);
        if (block == null) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(block);
            return node instanceof ObjectNode object ? object : null;
        } catch (JsonProcessingException e) {
            throw new MalformedNoteException("the JSON block of the note does not parse: " + e.getOriginalMessage(), e);
        }
    }

    static String block(String note) {
        int open = note.lastIndexOf(OPEN);
        if (open < 0) {
            return null;
        }
        int start = open + OPEN.length();
        int close = note.indexOf(CLOSE, start);
        return close < 0 ? note.substring(start) : note.substring(start, close);
    }

    static void putNumber(ObjectNode json, String key, Double value) {
        if (value == null) {
            json.putNull(key);
        } else if (value.isNaN() || value.isInfinite()) {
            json.put(key, value.toString());
        } else {
            json.put(key, value);
        }
    }

    static Double number(JsonNode json, String key) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.valueOf(node.textValue());
            } catch (NumberFormatException e) {
                throw new MalformedNoteException("\"" + key + "\" is " + node + ", not a number", e);
            }
        }
        throw new MalformedNoteException("\"" + key + "\" is " + node + ", not a number");
    }

    static Long whole(JsonNode json, String key) {
        JsonNode node = json.get(key);
        return node == null || node.isNull() ? null : node.asLong();
    }

    static Integer integer(JsonNode json, String key) {
        JsonNode node = json.get(key);
        return node == null || node.isNull() ? null : node.asInt();
    }

    static String text(JsonNode json, String key) {
        JsonNode node = json.get(key);
        return node == null || node.isNull() ? null : node.asText();
    }

    static Map<String, String> strings(JsonNode json, String key) {
        JsonNode node = json.get(key);
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return out;
    }

    static void putArtifacts(ObjectNode json, String key, List<ArtifactRef> artifacts) {
        ArrayNode refs = json.putArray(key);
        for (ArtifactRef ref : artifacts) {
            refs.addObject().put("name", ref.name()).put("key", ref.key()).put("sizeBytes", ref.sizeBytes())
                    .put("sha256", ref.sha256());
        }
    }

    static List<ArtifactRef> artifacts(JsonNode json, String key) {
        List<ArtifactRef> artifacts = new ArrayList<>();
        for (JsonNode ref : json.path(key)) {
            artifacts.add(new ArtifactRef(text(ref, "name"), text(ref, "key"), ref.path("sizeBytes").asLong(),
                    text(ref, "sha256")));
        }
        return artifacts;
    }

    /** Numbers stay numbers (non-finite ones included), anything else its text. */
    static Map<String, Object> values(JsonNode json, String key) {
        JsonNode node = json.get(key);
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), value(e.getValue())));
        return out;
    }

    static void putValues(ObjectNode json, String key, Map<String, ?> values) {
        if (values == null) {
            json.putNull(key);
            return;
        }
        ObjectNode node = json.putObject(key);
        values.forEach((k, v) -> {
            if (v == null) {
                node.putNull(k);
            } else if (v instanceof Double d) {
                putNumber(node, k, d);
            } else if (v instanceof Float f) {
                putNumber(node, k, f.doubleValue());
            } else if (v instanceof Number n) {
                node.put(k, n.longValue());
            } else if (v instanceof Boolean b) {
                node.put(k, b);
            } else {
                node.put(k, v.toString());
            }
        });
    }

    private static Object value(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            String text = node.textValue();
            return switch (text) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> text;
            };
        }
        return node.toString();
    }
}
