package dev.looplab.proposer.constraint;

import dev.looplab.proposer.knob.Knob;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The rules recipes need: divisibility, an order between two knobs, a positive value. */
public final class Rules {

    private Rules() {
    }

    static long whole(Map<String, String> config, String knob) {
        return Math.round(Knob.parseNumber(config.get(knob)));
    }

    static double number(Map<String, String> config, String knob) {
        return Knob.parseNumber(config.get(knob));
    }

    /** {@code a} must be a multiple of {@code b} (for example D_MODEL of HEADS). */
    public static Rule divisible(String a, String b) {
        return new Rule() {
            @Override
            public Optional<String> violation(Map<String, String> c) {
                if (!c.containsKey(a) || !c.containsKey(b)) {
                    return Optional.empty();
                }
                long x = whole(c, a);
                long y = whole(c, b);
                return y != 0 && x % y == 0 ? Optional.empty()
                        : Optional.of(a + " " + x + " is not divisible by " + b + " " + y);
            }

            @Override
            public Optional<Map<String, String>> repair(Map<String, String> c, Set<String> editable, Set<String> moved,
                                                        KnobBounds bounds) {
                long x = whole(c, a);
                long y = whole(c, b);
                // prefer changing a knob the move did not touch, then the moved one
                for (boolean touchMoved : new boolean[] {false, true}) {
                    if (editable.contains(a) && moved.contains(a) == touchMoved && y > 0) {
                        for (long candidate : nearest(x, y)) {
                            Optional<String> literal = bounds.literal(a, candidate);
                            if (literal.isPresent()) {
                                return Optional.of(with(c, a, literal.get()));
                            }
                        }
                    }
                    if (editable.contains(b) && moved.contains(b) == touchMoved) {
                        for (long d = 0; d <= y; d++) {
                            for (long candidate : new long[] {y - d, y + d}) {
                                if (candidate > 0 && x % candidate == 0) {
                                    Optional<String> literal = bounds.literal(b, candidate);
                                    if (literal.isPresent()) {
                                        return Optional.of(with(c, b, literal.get()));
                                    }
                                }
                            }
                        }
                    }
                }
                return Optional.empty();
            }

            @Override
            public Set<String> knobs() {
                return Set.of(a, b);
            }

            @Override
            public String toString() {
                return a + " % " + b + " == 0";
            }
        };
    }

    /** {@code a / b} must be even (rotary embeddings split a head in halves). */
    public static Rule evenQuotient(String a, String b) {
        return new Rule() {
            @Override
            public Optional<String> violation(Map<String, String> c) {
                if (!c.containsKey(a) || !c.containsKey(b)) {
                    return Optional.empty();
                }
                long x = whole(c, a);
                long y = whole(c, b);
                return y != 0 && x % y == 0 && (x / y) % 2 == 0 ? Optional.empty()
                        : Optional.of(a + " " + x + " / " + b + " " + y + " is not an even head size");
            }

            @Override
            public Optional<Map<String, String>> repair(Map<String, String> c, Set<String> editable, Set<String> moved,
                                                        KnobBounds bounds) {
                long y = whole(c, b);
                if (editable.contains(a) && y > 0) {
                    for (long candidate : nearest(whole(c, a), 2 * y)) {
                        Optional<String> literal = bounds.literal(a, candidate);
                        if (literal.isPresent()) {
                            return Optional.of(with(c, a, literal.get()));
                        }
                    }
                }
                return Optional.empty();
            }

            @Override
            public Set<String> knobs() {
                return Set.of(a, b);
            }

            @Override
            public String toString() {
                return a + " / " + b + " is even";
            }
        };
    }

    /** {@code a <= b} (for example BACKPROP_LOOPS <= MEAN_LOOPS). */
    public static Rule atMost(String a, String b) {
        return new Rule() {
            @Override
            public Optional<String> violation(Map<String, String> c) {
                if (!c.containsKey(a) || !c.containsKey(b)) {
                    return Optional.empty();
                }
                return number(c, a) <= number(c, b) ? Optional.empty()
                        : Optional.of(a + " " + c.get(a) + " exceeds " + b + " " + c.get(b));
            }

            @Override
            public Optional<Map<String, String>> repair(Map<String, String> c, Set<String> editable, Set<String> moved,
                                                        KnobBounds bounds) {
                for (boolean touchMoved : new boolean[] {false, true}) {
                    if (editable.contains(a) && moved.contains(a) == touchMoved) {
                        Optional<String> literal = bounds.literal(a, (long) Math.floor(number(c, b)));
                        if (literal.isPresent()) {
                            return Optional.of(with(c, a, literal.get()));
                        }
                    }
                    if (editable.contains(b) && moved.contains(b) == touchMoved) {
                        Optional<String> literal = bounds.literal(b, (long) Math.ceil(number(c, a)));
                        if (literal.isPresent()) {
                            return Optional.of(with(c, b, literal.get()));
                        }
                    }
                }
                return Optional.empty();
            }

            @Override
            public Set<String> knobs() {
                return Set.of(a, b);
            }

            @Override
            public String toString() {
                return a + " <= " + b;
            }
        };
    }

    /** {@code a > 0} (a zero learning rate never trains). */
    public static Rule positive(String a) {
        return new Rule() {
            @Override
            public Optional<String> violation(Map<String, String> c) {
                return !c.containsKey(a) || number(c, a) > 0 ? Optional.empty()
                        : Optional.of(a + " " + c.get(a) + " must be above 0");
            }

            @Override
            public Set<String> knobs() {
                return Set.of(a);
            }

            @Override
            public String toString() {
                return a + " > 0";
            }
        };
    }

    /** {@code a} at most {@code max} while {@code b} equals {@code value} (adamw wants a far smaller LR than SGD). */
    public static Rule atMostWhen(String a, double max, String b, String value) {
        return new Rule() {
            @Override
            public Optional<String> violation(Map<String, String> c) {
                if (!c.containsKey(a) || !c.containsKey(b) || !c.get(b).replace("\"", "").equals(value)) {
                    return Optional.empty();
                }
                return number(c, a) <= max ? Optional.empty()
                        : Optional.of(a + " " + c.get(a) + " is above " + max + " with " + b + " " + value);
            }

            @Override
            public Set<String> knobs() {
                return Set.of(a, b);
            }

            @Override
            public String toString() {
                return a + " <= " + max + " while " + b + " is " + value;
            }
        };
    }

    static Map<String, String> with(Map<String, String> config, String knob, String literal) {
        Map<String, String> copy = new HashMap<>(config);
        copy.put(knob, literal);
        return copy;
    }

    /** Multiples of {@code step} nearest to {@code x}, closest first (at least {@code step}). */
    static long[] nearest(long x, long step) {
        long down = Math.max(step, (x / step) * step);
        long up = down < x ? down + step : down;
        if (down == up) {
            return new long[] {down, down + step, Math.max(step, down - step)};
        }
        return x - down <= up - x ? new long[] {down, up} : new long[] {up, down};
    }
}
