package dev.looplab.proposer.knob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the knobs of a recipe by their {@code // @knob} markers and rewrites one knob's value,
 * leaving every other character of the source as it was.
 */
public final class KnobParser {
    // [ \t] rather than \s so a match never crosses a line; the lazy value stops at the ';' before the marker
    private static final Pattern KNOB = Pattern.compile(
            "^[ \\t]*(?:(?:public|private|protected|static|final)[ \\t]+)*"
                    + "(?<type>int|long|float|double|boolean|String)[ \\t]+(?<name>[A-Za-z_][A-Za-z0-9_]*)"
                    + "[ \\t]*=[ \\t]*(?<value>[^\\r\\n]+?)[ \\t]*;[ \\t]*//[ \\t]*@knob\\b(?<attrs>[^\\r\\n]*)$",
            Pattern.MULTILINE);
    private static final Pattern ATTR = Pattern.compile("(\\w+)=(\\[[^\\]]*\\]|\\{[^}]*\\}|\\S+)");

    private KnobParser() {
    }

    /** Every knob of {@code source}, in source order. */
    public static List<Knob> parse(String source) {
        List<Knob> knobs = new ArrayList<>();
        Matcher m = KNOB.matcher(source);
        while (m.find()) {
            knobs.add(toKnob(source, m));
        }
        return knobs;
    }

    /** The knob called {@code name}, if {@code source} declares one. */
    public static Optional<Knob> find(String source, String name) {
        return parse(source).stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /**
     * {@code source} with knob {@code name} set to {@code newLiteral} (a Java literal such as
     * {@code 4.2e-3f} or {@code "linear"}); the rest of the line, comment included, is kept.
     */
    public static String rewrite(String source, String name, String newLiteral) {
        if (newLiteral.isBlank() || newLiteral.contains("\n") || newLiteral.contains(";")) {
            throw new IllegalArgumentException("'" + newLiteral + "' is not a single Java literal for knob " + name);
        }
        Matcher m = KNOB.matcher(source);
        while (m.find()) {
            if (m.group("name").equals(name)) {
                return source.substring(0, m.start("value")) + newLiteral + source.substring(m.end("value"));
            }
        }
        throw new IllegalArgumentException("no knob named " + name + " in the recipe; knobs are: "
                + parse(source).stream().map(Knob::name).toList()
                + " (a knob is a constant with a trailing '// @knob surface=...' comment)");
    }

    private static Knob toKnob(String source, Matcher m) {
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
        return new Knob(name, KnobType.ofJavaType(m.group("type")), m.group("value"),
                attrs.getOrDefault("surface", ""), range, choices, line);
    }

    private static Knob.Range range(String name, String text) {
        List<String> bounds = list(text);
        try {
            if (bounds.size() != 2) {
                throw new NumberFormatException();
            }
            return new Knob.Range(number(bounds.get(0)), number(bounds.get(1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("knob " + name + " has range=" + text
                    + "; write two numbers like range=[1e-4,3e-2], or list values like range={add,linear}");
        }
    }

    private static double number(String text) {
        return Knob.parseNumber(text);
    }

    private static List<String> list(String bracketed) {
        String inner = (bracketed.startsWith("[") && bracketed.endsWith("]"))
                || (bracketed.startsWith("{") && bracketed.endsWith("}"))
                ? bracketed.substring(1, bracketed.length() - 1) : bracketed;
        return inner.isBlank() ? List.of()
                : Arrays.stream(inner.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
