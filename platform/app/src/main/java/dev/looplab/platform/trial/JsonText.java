package dev.looplab.platform.trial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/** The JSON columns of a trial row (metrics, environment): written and read here only. */
final class JsonText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonText() {
    }

    static String write(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    /** The column's object; empty for a blank or damaged column (it is informational, never decisive). */
    static <V> Map<String, V> readMap(String json, TypeReference<Map<String, V>> type) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
