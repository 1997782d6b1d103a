package dev.looplab.proposer.search;

import dev.looplab.proposer.knob.Knob;
import dev.looplab.proposer.knob.KnobType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The values a knob can take, as a search sees them: a number mapped to [0, 1] (on a log scale when its range spans
 * more than {@value #LOG_SPAN}x), or a list of choices (flags, listed values). Converts both ways, writing values as
 * literals in the knob's own type and syntax.
 */
public final class KnobDomain {
    static final double LOG_SPAN = 20;

    private final Knob knob;
    private final boolean categorical;
    private final boolean log;
    private final double lo;
    private final double hi;
    private final List<String> choices;

    private KnobDomain(Knob knob, boolean categorical, boolean log, double lo, double hi, List<String> choices) {
        this.knob = knob;
        this.categorical = categorical;
        this.log = log;
        this.lo = lo;
        this.hi = hi;
        this.choices = choices;
    }

    /** The domain of {@code knob}, or empty when a search cannot move it (a number without range or positive value). */
    public static Optional<KnobDomain> of(Knob knob) {
        if (!knob.choices().isEmpty()) {
            List<String> literals = new ArrayList<>();
            for (String c : knob.choices()) {
                literals.add(knob.literalOfChoice(c));
            }
            return Optional.of(new KnobDomain(knob, true, false, 0, 0, List.copyOf(literals)));
        }
        if (knob.type() == KnobType.BOOLEAN) {
            return Optional.of(new KnobDomain(knob, true, false, 0, 0,
                    List.of(knob.literalOfChoice("true"), knob.literalOfChoice("false"))));
        }
        if (!knob.type().isNumeric()) {
            return Optional.empty();
        }
        double lo;
        double hi;
        if (knob.range().isPresent()) {
            lo = knob.range().get().min();
            hi = knob.range().get().max();
        } else {
            double v = knob.numericValue();
            if (!(v > 0)) {
                return Optional.empty();
            }
            // an unbounded knob moves within a factor of 4 of its value
            lo = v / 4;
            hi = v * 4;
        }
        if (!(hi > lo)) {
            return Optional.empty();
        }
        boolean log = lo > 0 && hi / lo >= LOG_SPAN;
        return Optional.of(new KnobDomain(knob, false, log, lo, hi, List.of()));
    }

    public Knob knob() {
        return knob;
    }

    public String name() {
        return knob.name();
    }

    public boolean categorical() {
        return categorical;
    }

    /** The choices as literals (categorical knobs only). */
    public List<String> choices() {
        return choices;
    }

    /** Where {@code literal} sits in [0, 1] (numeric knobs; clamped). */
    public double unit(String literal) {
        double v = Knob.parseNumber(literal);
        double u = log ? (Math.log(Math.max(v, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
        return Math.max(0, Math.min(1, u));
    }

    /** The value at {@code u} in [0, 1] (numeric knobs), rounded for whole-number types. */
    public double valueAt(double u) {
        double t = Math.max(0, Math.min(1, u));
        double v = log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
        if (knob.type().isWhole()) {
            v = Math.round(v);
        }
        return Math.max(lo, Math.min(hi, v));
    }

    /** The literal of the value at {@code u}: a literal the recipe compiles, inside the range. */
    public String literalAt(double u) {
        String literal = knob.literalOf(valueAt(u));
        // a three-digit literal may round past the bound (1e-2 -> "1e-2" is fine, 0.9995 -> "1.0" is not)
        double written = Knob.parseNumber(literal);
        if (written > hi) {
            literal = knob.literalOf(hi);
        } else if (written < lo) {
            literal = knob.literalOf(lo);
        }
        return literal;
    }

    /** The smallest step in [0, 1] that changes the value: one whole unit, else 2% of the range. */
    public double minStep() {
        if (knob.type().isWhole() && !log) {
            return Math.min(1.0, 1.0 / (hi - lo));
        }
        return 0.02;
    }

    /** Two literals name the same value. */
    public boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        if (categorical) {
            return knob.textValue(a).equalsIgnoreCase(knob.textValue(b));
        }
        double x = Knob.parseNumber(a);
        double y = Knob.parseNumber(b);
        return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
    }

    /** A literal as people read it: strings unquoted, floats without their suffix. */
    public String show(String literal) {
        if (literal == null) {
            return "?";
        }
        if (knob.type() == KnobType.STRING) {
            return knob.textValue(literal);
        }
        return literal.replaceAll("[fFdDlL]$", "");
    }
}
