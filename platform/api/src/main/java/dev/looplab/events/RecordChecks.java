package dev.looplab.events;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** What every consumer checks before it decodes a record's value: a payload is non-empty UTF-8 text. */
public final class RecordChecks {

    private RecordChecks() {
    }

    /** Why a record's value cannot be a payload at all, or null when it can. */
    public static String unusable(byte[] value) {
        if (value == null) {
            return "the record has no value (a tombstone); Looplab's producers never send one";
        }
        if (value.length == 0) {
            return "the record's value is empty";
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            return text.isBlank() ? "the record's value is blank" : null;
        } catch (CharacterCodingException e) {
            return "the record's value is not UTF-8 text (" + value.length + " bytes): a JSON payload was expected";
        }
    }
}
