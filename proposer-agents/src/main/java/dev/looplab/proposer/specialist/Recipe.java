package dev.looplab.proposer.specialist;

import dev.looplab.diff.UnifiedDiff;
import dev.looplab.proposer.constraint.KnobBounds;
import dev.looplab.proposer.knob.Knob;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.search.KnobDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A trial's entry file (the recipe a specialist edits) with its knobs parsed once. */
public record Recipe(String path, String text, List<Knob> knobs, List<KnobParser.Located> sites) {

    public Recipe {
        knobs = List.copyOf(knobs);
        sites = List.copyOf(sites);
    }

    public static Recipe of(String path, String text) {
        List<KnobParser.Located> sites = KnobParser.locate(text);
        return new Recipe(path, text, sites.stream().map(KnobParser.Located::knob).toList(), sites);
    }

    /** Knob name to literal: the recipe's configuration. */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        knobs.forEach(k -> config.put(k.name(), k.literal()));
        return config;
    }

    public KnobBounds bounds() {
        Map<String, Knob> byName = new LinkedHashMap<>();
        knobs.forEach(k -> byName.put(k.name(), k));
        return new KnobBounds(byName);
    }

    /**
     * The searchable knobs of {@code surface}: those the task lists for it ({@code allowed}) whose tag names the same
     * surface (the platform refuses any other), in recipe order.
     */
    public List<KnobDomain> domains(String surface, List<String> allowed) {
        List<KnobDomain> out = new ArrayList<>();
        for (Knob k : knobs) {
            if (surface.equals(k.surface()) && allowed.contains(k.name())) {
                KnobDomain.of(k).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * The text with {@code changes} (knob name to new literal) written in; every other character stays.
     *
     * @throws IllegalArgumentException for a knob the recipe does not have or a literal that is not one
     */
    public String with(Map<String, String> changes) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        int at = 0;
        int used = 0;
        for (KnobParser.Located site : sites) {
            String literal = changes.get(site.knob().name());
            if (literal == null) {
                continue;
            }
            if (literal.isBlank() || literal.contains("\n") || literal.contains(";") || literal.contains("#")) {
                throw new IllegalArgumentException("'" + literal + "' is not a single literal for knob "
                        + site.knob().name());
            }
            out.append(text, at, site.valueStart()).append(literal);
            at = site.valueEnd();
            used++;
        }
        if (used != changes.size()) {
            throw new IllegalArgumentException("no knob named " + changes.keySet().stream()
                    .filter(k -> knobs.stream().noneMatch(x -> x.name().equals(k))).toList() + " in " + path);
        }
        return out.append(text, at, text.length()).toString();
    }

    /** The unified diff from this recipe to {@code newText}, as a proposal carries it. */
    public String diffTo(String newText) {
        return UnifiedDiff.of(path, text, newText);
    }
}
