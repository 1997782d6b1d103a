package dev.looplab.platform.proposal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tagged knob line of a recipe, in either syntax the built-in recipes use: a Java constant
 * ({@code static final float LR = 1e-2f; // @knob surface=optimizer range=[1e-4,3e-2]}) or a Python module constant
 * ({@code MATRIX_LR = 0.04  # @knob surface=optimizer range=[0.005,0.1]}).
 */
record KnobLine(String name, String value, String surface) {
    private static final Pattern JAVA = Pattern.compile(
            "^\\s*(?:(?:public|private|protected)\\s+)?static\\s+final\\s+[\\w<>\\[\\]]+\\s+([A-Z][A-Z0-9_]*)\\s*="
                    + "\\s*(.+?)\\s*;\\s*//\\s*@knob\\s+surface=(\\S+)");
    // module level only (no indentation): an indented assignment belongs to a block, not to the recipe's knobs
    private static final Pattern PYTHON = Pattern.compile(
            "^([A-Z][A-Z0-9_]*)\\s*(?::\\s*[A-Za-z_][\\w\\[\\], .]*)?=\\s*(.+?)\\s*#\\s*@knob\\s+surface=(\\S+)");

    /** The knob a line of code declares, or empty when it is not a knob line. */
    static Optional<KnobLine> parse(String code) {
        Matcher m = JAVA.matcher(code);
        if (m.find()) {
            return Optional.of(new KnobLine(m.group(1), m.group(2), m.group(3)));
        }
        m = PYTHON.matcher(code);
        if (m.find()) {
            return Optional.of(new KnobLine(m.group(1), m.group(2), m.group(3)));
        }
        return Optional.empty();
    }
}
