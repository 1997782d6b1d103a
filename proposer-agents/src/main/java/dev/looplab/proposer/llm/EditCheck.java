package dev.looplab.proposer.llm;

import dev.looplab.proposer.knob.Knob;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.patch.Patch;
import dev.looplab.proposer.patch.PatchException;
import dev.looplab.proposer.search.KnobDomain;
import dev.looplab.proposer.specialist.Recipe;
import dev.looplab.proposer.specialist.SpecialistContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a model's diff locally before it is sent: it parses and applies to the parent's recipe, edits only the
 * knob values of the specialist's surface (every other character stays), keeps each value in its range or choices
 * and the task's constraints, and makes a recipe not tried from this parent yet. The checked edit is sent as the
 * canonical diff of the two texts, so the model's line numbers need not be exact.
 */
public final class EditCheck {

    /** A diff that passed: the new recipe text, the diff to send and the knobs it changes. */
    public record Checked(String text, String diff, Map<String, String> changes) {
    }

    private EditCheck() {
    }

    /** @throws AnswerException naming what is wrong and how to fix it */
    public static Checked check(String diff, String surface, SpecialistContext ctx) {
        Recipe parent = ctx.parent();
        List<String> allowed = ctx.task().surface(surface);
        String text;
        try {
            Patch patch = Patch.parse(diff);
            if (!patch.paths().equals(List.of(parent.path()))) {
                throw new AnswerException("the diff edits " + patch.paths() + "; edit only " + parent.path());
            }
            text = patch.applyTo(parent.text());
        } catch (PatchException e) {
            throw new AnswerException(e.getMessage());
        }
        List<Knob> after;
        try {
            after = KnobParser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AnswerException("the edited recipe has a knob line that does not parse: " + e.getMessage());
        }
        Map<String, String> before = parent.config();
        Map<String, String> changes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Knob k : after) {
            String old = before.get(k.name());
            if (old == null) {
                problems.add("it adds a knob line " + k.name() + "; change existing knob values only");
            } else if (!old.equals(k.literal())) {
                changes.put(k.name(), k.literal());
            }
        }
        if (changes.isEmpty() && problems.isEmpty()) {
            throw new AnswerException("the diff changes no knob value of " + parent.path() + "; change at least one of "
                    + allowed);
        }
        Map<String, Knob> parentKnobs = new LinkedHashMap<>();
        parent.knobs().forEach(k -> parentKnobs.put(k.name(), k));
        for (Map.Entry<String, String> c : changes.entrySet()) {
            Knob k = parentKnobs.get(c.getKey());
            if (!allowed.contains(c.getKey()) || !surface.equals(k.surface())) {
                problems.add(c.getKey() + " is on surface " + k.surface() + ", not " + surface + "; change only "
                        + allowed);
                continue;
            }
            outOfDomain(k, c.getValue()).ifPresent(problems::add);
        }
        if (problems.isEmpty()) {
            String expected;
            try {
                expected = parent.with(changes);
            } catch (IllegalArgumentException e) {
                expected = null;
            }
            if (!text.equals(expected)) {
                problems.add("it changes lines other than knob values (comments, tags or code); change only the values"
                        + " of " + allowed + ", each line otherwise as it is");
            }
        }
        if (problems.isEmpty()) {
            Map<String, String> config = new LinkedHashMap<>(before);
            config.putAll(changes);
            ctx.constraints().violations(config).forEach(v -> problems.add("it breaks a rule of the recipe: " + v));
        }
        if (problems.isEmpty() && !ctx.fresh().test(text)) {
            problems.add("this exact recipe was already tried from trial " + ctx.parentTrial()
                    + " (see the history); propose different values");
        }
        if (!problems.isEmpty()) {
            throw new AnswerException("the diff was refused: " + String.join("; ", problems));
        }
        return new Checked(text, parent.diffTo(text), changes);
    }

    /** Why {@code literal} is not a value of knob {@code k}, if it is not. */
    static java.util.Optional<String> outOfDomain(Knob k, String literal) {
        java.util.Optional<KnobDomain> d = KnobDomain.of(k);
        if (d.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (d.get().categorical()) {
            boolean listed = d.get().choices().stream().anyMatch(c -> d.get().same(c, literal));
            return listed ? java.util.Optional.empty() : java.util.Optional.of(k.name() + " " + literal
                    + " is not one of its choices " + d.get().choices());
        }
        try {
            double v = Knob.parseNumber(literal);
            if (k.type().isWhole() && v != Math.rint(v)) {
                return java.util.Optional.of(k.name() + " " + literal + " must be a whole number");
            }
            if (k.range().isPresent() && !k.range().get().contains(v)) {
                return java.util.Optional.of(k.name() + " " + literal + " is outside its range ["
                        + k.range().get().min() + ", " + k.range().get().max() + "]");
            }
            return java.util.Optional.empty();
        } catch (NumberFormatException e) {
            return java.util.Optional.of(k.name() + " " + literal + " is not a number");
        }
    }
}
