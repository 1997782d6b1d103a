package dev.looplab.proposer.knob;

import java.util.Locale;

/** The Java type of a recipe knob, which decides how a new value is written as a literal. */
public enum KnobType {
    INT, LONG, FLOAT, DOUBLE, BOOLEAN, STRING;

    static KnobType ofJavaType(String javaType) {
        return switch (javaType) {
            case "int" -> INT;
            case "long" -> LONG;
            case "float" -> FLOAT;
            case "double" -> DOUBLE;
            case "boolean" -> BOOLEAN;
            case "String" -> STRING;
            default -> throw new IllegalArgumentException("unsupported knob type '" + javaType
                    + "'; use int, long, float, double, boolean or String");
        };
    }

    /** True for the types whose value is a number with a range. */
    public boolean isNumeric() {
        return this == INT || this == LONG || this == FLOAT || this == DOUBLE;
    }

    /**
     * The Java literal for {@code value}: floats and doubles in short scientific form
     * ({@code 4.2e-3f}), whole numbers rounded, so a rewritten knob still compiles.
     */
    public String literal(double value) {
        return switch (this) {
            case INT -> Long.toString(Math.round(value));
            case LONG -> Math.round(value) + "L";
            case FLOAT -> compact(value) + "f";
            case DOUBLE -> compact(value);
            default -> throw new IllegalStateException(this + " knobs take a literal, not a number");
        };
    }

    /** The literal for a choice or flag value. */
    public String literal(String value) {
        return switch (this) {
            case STRING -> "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case BOOLEAN -> Boolean.toString(Boolean.parseBoolean(value));
            default -> literal(Double.parseDouble(value));
        };
    }

    /** Three significant digits, trailing zeros dropped: 0.0042 -> 4.2e-3, 256 -> 2.56e2. */
    static String compact(double value) {
        if (value == 0) {
            return "0.0";
        }
        String s = String.format(Locale.ROOT, "%.2e", value); // e.g. 4.20e-03
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        int exponent = Integer.parseInt(s.substring(e + 1));
        return exponent == 0 ? mantissa + (mantissa.contains(".") ? "" : ".0") : mantissa + "e" + exponent;
    }
}
