package dev.looplab.proposer.knob;

import java.util.List;
import java.util.Optional;

/**
 * One tagged constant of a recipe ({@code // @knob surface=... range=[lo,hi]} in Java, {@code # @knob ...} in
 * Python; {@code range={a,b}} / {@code choices=[a,b]} for listed values): its name, type, current literal and the
 * bounds a specialist must respect.
 */
public record Knob(
        String name,
        KnobType type,
        String literal,
        String surface,
        Optional<Range> range,
        List<String> choices,
        int line,
        Syntax syntax) {

    public Knob {
        choices = List.copyOf(choices);
    }

    /** The current value as a number; fails for String and boolean knobs. */
    public double numericValue() {
        if (!type.isNumeric()) {
            throw new IllegalStateException("knob " + name + " is a " + type + ", not a number");
        }
        return parseNumber(literal);
    }

    /** The value of a numeric literal such as {@code 3e-3f}, {@code 1_000}, {@code 64L} or Python's {@code 0.04}. */
    public static double parseNumber(String literal) {
        return Double.parseDouble(literal.strip().replace("_", "").replaceAll("[fFdDlL]$", ""));
    }

    /** The current value of a String knob without quotes, or the literal of any other knob. */
    public String textValue() {
        return textValue(literal);
    }

    /** {@code literal} of this knob as a plain value: strings unquoted, anything else as written. */
    public String textValue(String literal) {
        if (type == KnobType.STRING && literal.length() >= 2
                && (literal.startsWith("\"") || literal.startsWith("'"))) {
            return literal.substring(1, literal.length() - 1);
        }
        return literal;
    }

    /** The literal that writes {@code value} (a number) in this knob's type and syntax. */
    public String literalOf(double value) {
        return type.literal(value, syntax);
    }

    /** The literal that writes a listed value (a choice or flag) in this knob's type and syntax. */
    public String literalOfChoice(String value) {
        return type.literal(value, syntax);
    }

    /** {@code value} moved inside this knob's range (unchanged when the knob has no range). */
    public double clamp(double value) {
        return range.map(r -> Math.max(r.min(), Math.min(r.max(), value))).orElse(value);
    }

    /** An inclusive numeric range from the knob marker. */
    public record Range(double min, double max) {
        public Range {
            if (!(min <= max)) {
                throw new IllegalArgumentException("knob range [" + min + "," + max + "] is empty; write range=[low,high]");
            }
        }

        public boolean contains(double value) {
            return value >= min && value <= max;
        }
    }
}
