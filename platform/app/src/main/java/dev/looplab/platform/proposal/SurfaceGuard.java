package dev.looplab.platform.proposal;

import dev.looplab.evaluation.task.TaskDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a specialist inside its surface: a diff may change whole files the surface lists, and
 * otherwise only knob lines ({@code static final ... NAME = ...; // @knob surface=S} in Java,
 * {@code NAME = ...  # @knob surface=S} in Python, see {@link KnobLine}) whose knob the surface names,
 * keeping the knob's name and surface tag.
 */
final class SurfaceGuard {
    private static final Pattern NEW_FILE = Pattern.compile("^\\+\\+\\+ (?:b/)?(.+)$");
    private static final Pattern OLD_FILE = Pattern.compile("^--- (?:a/)?(.+)$");

    private SurfaceGuard() {
    }

    /** The reason the diff leaves the surface, or empty when every change is inside it. */
    static Optional<String> check(TaskDefinition task, String surface, String diff) {
        if (!task.surfaces().containsKey(surface)) {
            return Optional.of("surface '" + surface + "' is not a surface of task " + task.name()
                    + ": use one of " + task.surfaceNames());
        }
        List<String> allowed = task.surface(surface);
        List<String> problems = new ArrayList<>();
        String file = null;
        for (String line : diff.split("\n", -1)) {
            Matcher oldFile = OLD_FILE.matcher(line);
            Matcher newFile = NEW_FILE.matcher(line);
            if (line.startsWith("--- ") && oldFile.matches()) {
                file = oldFile.group(1).equals("/dev/null") ? null : oldFile.group(1);
                continue;
            }
            if (line.startsWith("+++ ") && newFile.matches()) {
                file = newFile.group(1).equals("/dev/null") ? file : newFile.group(1);
                continue;
            }
            boolean change = (line.startsWith("+") || line.startsWith("-")) && file != null;
            if (!change || allowed.contains(file)) {
                continue;
            }
            String code = line.substring(1);
            Optional<KnobLine> knob = KnobLine.parse(code);
            if (knob.isEmpty()) {
                problems.add(file + ": '" + abbreviate(code.strip()) + "' is not a knob line");
            } else if (!allowed.contains(knob.get().name()) || !surface.equals(knob.get().surface())) {
                problems.add(file + ": knob " + knob.get().name() + " (surface " + knob.get().surface()
                        + ") is not on surface " + surface);
            }
            if (problems.size() >= 3) {
                break;
            }
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the diff leaves surface '" + surface + "' of task " + task.name() + " ("
                + String.join("; ", problems) + "): on this surface change only the knobs " + allowed
                + ", one knob line each, keeping its @knob tag");
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
