package dev.looplab.proposer.knob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the knobs of a recipe by their {@code @knob} markers, in Java ({@code static final T NAME = v; // @knob ...})
 * or Python ({@code NAME = v  # @knob ...}, module level), and rewrites one knob's value, leaving every other
 * character of the source as it was.
 */
public final class KnobParser {
    // [ \t] rather than \s so a match never crosses a line; the lazy value stops at the ';' before the marker
    private static final Pattern JAVA = Pattern.compile(
            "^[ \\t]*(?:(?:public|private|protected|static|final)[ \\t]+)*"
                    + "(?<type>int|long|float|double|boolean|String)[ \\t]+(?<name>[A-Za-z_][A-Za-z0-9_]*)"
                    + "[ \\t]*=[ \\t]*(?<value>[^\\r\\n]+?)[ \\t]*;[ \\t]*//[ \\t]*@knob\\b(?<attrs>[^\\r\\n]*)$",
            Pattern.MULTILINE);
    // module constants only (column 0): an indented assignment belongs to a block
    private static final Pattern PYTHON = Pattern.compile(
            "^(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:[ \\t]*:[ \\t]*[A-Za-z_][\\w\\[\\], .]*)?[ \\t]*=[ \\t]*"
                    + "(?<value>[^\\r\\n#]+?)[ \\t]*#[ \\t]*@knob\\b(?<attrs>[^\\r\\n]*)$",
            Pattern.MULTILINE);
    private static final Pattern ATTR = Pattern.compile("(\\w+)=(\\[[^\\]]*\\]|\\{[^}]*\\}|\\S+)");

    private KnobParser() {
    }

    /** Every knob of {@code source}, in source order. */
    public static List<Knob> parse(String source) {
        List<Located> found = locate(source);
        List<Knob> knobs = new ArrayList<>(found.size());
        for (Located l : found) {
            knobs.add(l.knob());
        }
        return knobs;
    }

    /** The knob called {@code name}, if {@code source} declares one. */
    public static Optional<Knob> find(String source, String name) {
        return parse(source).stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** Knob name to its literal, in source order: the recipe's configuration. */
    public static Map<String, String> literals(String source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Knob k : parse(source)) {
            values.put(k.name(), k.literal());
        }
        return values;
    }

    /**
     * {@code source} with knob {@code name} set to {@code newLiteral} (a literal such as {@code 4.2e-3f},
     * {@code "linear"} or Python's {@code True}); the rest of the line, comment included, is kept.
     */
    public static String rewrite(String source, String name, String newLiteral) {
        if (newLiteral.isBlank() || newLiteral.contains("\n") || newLiteral.contains(";") || newLiteral.contains("#")) {
            throw new IllegalArgumentException("'" + newLiteral + "' is not a single literal for knob " + name);
        }
        for (Located l : locate(source)) {
            if (l.knob().name().equals(name)) {
                return source.substring(0, l.valueStart()) + newLiteral + source.substring(l.valueEnd());
            }
        }
        throw new IllegalArgumentException("no knob named " + name + " in the recipe; knobs are: "
                + parse(source).stream().map(Knob::name).toList()
                + " (a knob is a constant with a trailing '// @knob surface=...' or '# @knob surface=...' comment)");
    }

    /** {@code source} with several knobs rewritten (name to new literal). */
    public static String rewrite(String source, Map<String, String> newLiterals) {
        String out = source;
        for (Map.Entry<String, String> e : newLiterals.entrySet()) {
            out = rewrite(out, e.getKey(), e.getValue());
        }
        return out;
    }

    /** A knob and where its literal stands in the source, so several rewrites need one parse. */
    public record Located(Knob knob, int valueStart, int valueEnd) {
    }

    /** Every knob of {@code source} with the position of its literal, in source order. */
    public static List<Located> locate(String source) {
        List<Located> found = new ArrayList<>();
        Matcher m = JAVA.matcher(source);
        while (m.find()) {
            found.add(new Located(toKnob(source, m, KnobType.ofJavaType(m.group("type")), Syntax.JAVA),
                    m.start("value"), m.end("value")));
        }
        m = PYTHON.matcher(source);
        while (m.find()) {
            found.add(new Located(toKnob(source, m, KnobType.ofPythonLiteral(m.group("value")), Syntax.PYTHON),
                    m.start("value"), m.end("value")));
        }
        found.sort(Comparator.comparingInt(Located::valueStart));
        return found;
    }

    private static Knob toKnob(String source, Matcher m, KnobType type, Syntax syntax) {
        String name = m.group("name");
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher a = ATTR.matcher(m.group("attrs"));
        while (a.find()) {
            attrs.put(a.group(1), a.group(2));
        }
        int line = 1 + (int) source.substring(0, m.start()).chars().filter(c -> c == '\n').count();
        // range=[lo,hi] bounds a number; range={a,b} (or choices=[a,b]) lists the allowed values
        String rangeText = attrs.get("range");
        boolean listed = rangeText != null && rangeText.startsWith("{");
        Optional<Knob.Range> range = Optional.ofNullable(listed ? null : rangeText).map(r -> range(name, r));
        List<String> choices = Optional.ofNullable(listed ? rangeText : attrs.get("choices"))
                .map(KnobParser::list).orElse(List.of());
        return new Knob(name, type, m.group("value"), attrs.getOrDefault("surface", ""), range, choices, line, syntax);
    }

    private static Knob.Range range(String name, String text) {
        List<String> bounds = list(text);
        try {
            if (bounds.size() != 2) {
                throw new NumberFormatException();
            }
            return new Knob.Range(Knob.parseNumber(bounds.get(0)), Knob.parseNumber(bounds.get(1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("knob " + name + " has range=" + text
                    + "; write two numbers like range=[1e-4,3e-2], or list values like range={add,linear}");
        }
    }

    private static List<String> list(String bracketed) {
        String inner = (bracketed.startsWith("[") && bracketed.endsWith("]"))
                || (bracketed.startsWith("{") && bracketed.endsWith("}"))
                ? bracketed.substring(1, bracketed.length() - 1) : bracketed;
        return inner.isBlank() ? List.of()
                : Arrays.stream(inner.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
