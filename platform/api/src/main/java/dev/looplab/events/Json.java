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

    /**
     * Decodes a versioned record and refuses one written by a newer schema than {@code supported} (an older
     * or unset version reads, since fields are only ever added).
     */
    public static <T> T read(String json, Class<T> type, int supported, java.util.function.ToIntFunction<T> schemaOf) {
        T value = read(json, type);
        if (value == null) {
            throw new MalformedEventException("not a " + type.getSimpleName() + " payload: the JSON is null", null);
        }
        int schema = schemaOf.applyAsInt(value);
        if (schema > supported) {
            throw new MalformedEventException(type.getSimpleName() + " has schema version " + schema
                    + ", but this reader knows versions up to " + supported
                    + ": upgrade this service to read what the producer writes", null);
        }
        return value;
    }

    /** A payload on a topic that does not decode as that topic's record. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
