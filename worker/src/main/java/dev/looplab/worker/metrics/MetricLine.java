package dev.looplab.worker.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.events.MetricPoint;

/**
 * One line of the metrics protocol: a JSON object {@code {"step":N,"name":"..","value":X,"wallclock":S}}.
 * A line that is not one is rejected with the reason, never thrown: recipes are untrusted.
 */
public final class MetricLine {
    /** Longest name stored (the platform's column width). */
    public static final int MAX_NAME_LENGTH = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricLine() {
    }

    /** The parsed point, or the reason the line is not one. */
    public record Parsed(MetricPoint point, String rejection) {
        public boolean ok() {
            return point != null;
        }
    }

    public static Parsed parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return reject("not JSON");
        }
        if (node == null || !node.isObject()) {
            return reject("not a JSON object");
        }
        JsonNode step = node.get("step");
        if (step == null || !step.canConvertToExactIntegral() || step.asLong() < 0) {
            return reject("step must be a whole number >= 0");
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()
                || name.asText().length() > MAX_NAME_LENGTH || name.asText().chars().anyMatch(c -> c < 0x20)) {
            return reject("name must be a non-blank string of at most " + MAX_NAME_LENGTH
                    + " characters without control characters");
        }
        JsonNode value = node.get("value");
        if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
            return reject("value must be a finite number");
        }
        JsonNode wallclock = node.get("wallclock");
        if (wallclock == null || !wallclock.isNumber() || !Double.isFinite(wallclock.asDouble())) {
            return reject("wallclock must be a number of seconds");
        }
        return new Parsed(new MetricPoint(step.asLong(), name.asText(), value.asDouble(), wallclock.asDouble()), null);
    }

    private static Parsed reject(String reason) {
        return new Parsed(null, reason);
    }
}
