package dev.looplab.events;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A record a consumer could not process, on {@code looplab.dead-letters} keyed by its source topic: where it
 * came from, why it was set aside and its value (text when it is UTF-8, else base64; at most
 * {@link #MAX_VALUE_BYTES} bytes of it), so nothing is lost and a person can replay it by hand.
 *
 * @param valueEncoding {@code null} (the record had no value: a tombstone), {@code utf8} or {@code base64}
 * @param valueBytes the size of the original value; more than the kept part when {@code truncated}
 */
public record DeadLetter(
        int schema,
        String topic,
        int partition,
        long offset,
        String key,
        String valueEncoding,
        String value,
        int valueBytes,
        boolean truncated,
        String consumer,
        String reason,
        int attempts,
        long atMs) {

    public static final int SCHEMA = 1;
    /** Values beyond this many bytes are cut: the topic's own records stay under Kafka's 1 MB limit. */
    public static final int MAX_VALUE_BYTES = 256 * 1024;

    /** The dead letter of one record; {@code value} may be null (a tombstone) or any bytes. */
    public static DeadLetter of(String topic, int partition, long offset, String key, byte[] value, String consumer,
                                String reason, int attempts) {
        if (value == null) {
            return new DeadLetter(SCHEMA, topic, partition, offset, key, null, null, 0, false, consumer, reason,
                    attempts, System.currentTimeMillis());
        }
        boolean truncated = value.length > MAX_VALUE_BYTES;
        byte[] kept = truncated ? java.util.Arrays.copyOf(value, MAX_VALUE_BYTES) : value;
        String text = utf8(kept);
        return new DeadLetter(SCHEMA, topic, partition, offset, key, text != null ? "utf8" : "base64",
                text != null ? text : Base64.getEncoder().encodeToString(kept), value.length, truncated, consumer,
                reason, attempts, System.currentTimeMillis());
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
