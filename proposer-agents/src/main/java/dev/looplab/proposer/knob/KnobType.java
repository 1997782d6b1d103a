package dev.looplab.proposer.knob;

import java.util.Locale;

/** The type of a recipe knob, which decides how a new value is written as a literal. */
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

    /** The type of a Python literal: True/False, a quoted string, a float (a dot or exponent) or an int. */
    static KnobType ofPythonLiteral(String literal) {
        String v = literal.strip();
        if (v.equals("True") || v.equals("False")) {
            return BOOLEAN;
        }
        if (v.startsWith("\"") || v.startsWith("'")) {
            return STRING;
        }
        String digits = v.replace("_", "");
        if (digits.matches("[-+]?\\d+")) {
            return INT;
        }
        if (digits.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            return FLOAT;
        }
        throw new IllegalArgumentException("knob value '" + literal
                + "' is not a Python literal a specialist can rewrite; use a number, True/False or a quoted string");
    }

    /** True for the types whose value is a number with a range. */
    public boolean isNumeric() {
        return this == INT || this == LONG || this == FLOAT || this == DOUBLE;
    }

    /** True for whole-number types, whose values are rounded. */
    public boolean isWhole() {
        return this == INT || this == LONG;
    }

    /** The Java literal for {@code value}. */
    public String literal(double value) {
        return literal(value, Syntax.JAVA);
    }

    /**
     * The literal for {@code value}: floats in short scientific form ({@code 4.2e-3f} in Java, {@code 4.2e-3} in
     * Python), whole numbers rounded, so a rewritten knob still compiles.
     */
    public String literal(double value, Syntax syntax) {
        boolean java = syntax == Syntax.JAVA;
        return switch (this) {
            case INT -> Long.toString(Math.round(value));
            case LONG -> Math.round(value) + (java ? "L" : "");
            case FLOAT -> compact(value) + (java ? "f" : "");
            case DOUBLE -> compact(value);
            default -> throw new IllegalStateException(this + " knobs take a literal, not a number");
        };
    }

    /** The Java literal for a choice or flag value. */
    public String literal(String value) {
        return literal(value, Syntax.JAVA);
    }

    /** The literal for a choice or flag value. */
    public String literal(String value, Syntax syntax) {
        return switch (this) {
            case STRING -> "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case BOOLEAN -> {
                boolean b = Boolean.parseBoolean(value.strip());
                yield syntax == Syntax.PYTHON ? (b ? "True" : "False") : Boolean.toString(b);
            }
            default -> literal(Knob.parseNumber(value), syntax);
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
        if (exponent >= 0 && exponent <= 3) {
            // 0.5 .. 9990 read better plainly: 2.5, 40.0, 1000.0
            String plain = new java.math.BigDecimal(mantissa).movePointRight(exponent).stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        if (exponent == -1) {
            String plain = new java.math.BigDecimal(mantissa).movePointLeft(1).stripTrailingZeros().toPlainString();
            return plain;
        }
        return exponent == 0 ? mantissa + (mantissa.contains(".") ? "" : ".0") : mantissa + "e" + exponent;
    }
}
