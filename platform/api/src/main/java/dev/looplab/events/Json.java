package dev.looplab.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON codec for topic payloads, so producers and consumers agree byte for byte. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Decodes a payload; a malformed one fails with {@link MalformedEventException} naming the type. */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not a valid " + type.getSimpleName() + " payload: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A payload on a topic that does not decode as that topic's record. */
    public static final class MalformedEventException extends RuntimeException {
        MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
