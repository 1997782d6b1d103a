package dev.looplab.proposer.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * One step of a specialist's search over its knobs: samples candidate moves of one to three knobs around the parent
 * (inside a trust region whose radius follows the specialist's own keeps and misses, or near values the TPE found
 * good), repairs or drops candidates that break a constraint, drops duplicates of recipes already tried from the
 * parent, penalises moves into regions where trials failed, and returns the candidate with the best TPE
 * acquisition with the gain the model predicts for it.
 */
public final class MoveSearch {
    static final int CANDIDATES = 48;
    static final double START_RADIUS = 0.2;
    static final double MIN_RADIUS = 0.04;
    static final double MAX_RADIUS = 0.5;
    static final double FAILURE_COST = 2.0;
    /** Rounds of search, each with twice the radius, when every candidate of the last was a duplicate. */
    static final int WIDENINGS = 3;
    static final double FORBIDDEN_PENALTY = 0.85;
    /** A move that probes a knob nobody has moved yet is worth this much more: every knob gets looked at. */
    static final double UNMOVED_BONUS = 0.3;
    /** Each knob beyond the first costs this much: single moves say clearly what helped. */
    static final double EXTRA_KNOB_COST = 0.15;
    static final double KERNEL = 0.12;

    private MoveSearch() {
    }

    /** The trust-region radius in [0, 1] after {@code own} moves (oldest first): wider after keeps, narrower after misses. */
    public static double radius(List<Observed> own) {
        double r = START_RADIUS;
        for (Observed o : own) {
            if (o.status() == null || !o.status().isFinal()) {
                continue;
            }
            if (o.status() == dev.looplab.trial.TrialStatus.keep) {
                r = Math.min(MAX_RADIUS, r * 1.5);
            } else if (o.failed()) {
                r = Math.max(MIN_RADIUS, r * 0.7);
            } else if (o.hasGain()) {
                r = Math.max(MIN_RADIUS, r * 0.85);
            }
        }
        return r;
    }

    /**
     * The best move in {@code space}, or empty when every candidate was a duplicate, broke a constraint that could not
     * be repaired, or walked into a failed region.
     */
    public static Optional<Move> best(SearchSpace space, History history, double radius, RandomGenerator random) {
        // a neighbourhood tried out widens the region rather than giving up
        double r = radius;
        for (int round = 0; round <= WIDENINGS; round++) {
            Optional<Move> move = search(space, history, r, random);
            if (move.isPresent()) {
                return move;
            }
            r = Math.min(1.0, r * 2);
        }
        return Optional.empty();
    }

    private static Optional<Move> search(SearchSpace space, History history, double radius, RandomGenerator random) {
        Map<String, KnobDomain> domains = new LinkedHashMap<>();
        space.knobs().forEach(d -> domains.put(d.name(), d));
        if (domains.isEmpty()) {
            return Optional.empty();
        }
        Tpe tpe = Tpe.fit(domains, history, space.parentConfig());
        FailureModel failures = FailureModel.of(domains, history);
        Map<String, Integer> moves = new HashMap<>();
        Map<String, Integer> keeps = new HashMap<>();
        for (KnobDomain d : domains.values()) {
            List<Observed> movers = history.moving(d.name());
            moves.put(d.name(), movers.size());
            keeps.put(d.name(), (int) movers.stream().filter(o -> o.status() == dev.looplab.trial.TrialStatus.keep).count());
        }
        Map<String, Integer> dropped = new LinkedHashMap<>();
        Set<Map<String, String>> seen = new HashSet<>();
        Candidate best = null;
        for (int i = 0; i < CANDIDATES; i++) {
            Map<String, String> chosen = sample(domains, space.parentConfig(), tpe, moves, keeps, radius, random);
            if (chosen.isEmpty()) {
                continue;
            }
            Map<String, String> config = new HashMap<>(space.parentConfig());
            config.putAll(chosen);
            List<String> broken = space.constraints().violations(config);
            List<String> repaired = List.of();
            if (!broken.isEmpty()) {
                Optional<Map<String, String>> fixed = space.constraints().repair(config, domains.keySet(),
                        chosen.keySet(), space.bounds());
                if (fixed.isEmpty()) {
                    dropped.merge(broken.get(0).replaceAll("-?\\d[\\d.,]*(e-?\\d+)?", "N"), 1, Integer::sum);
                    continue;
                }
                config = fixed.get();
                repaired = new ArrayList<>();
                for (String k : domains.keySet()) {
                    if (!chosen.containsKey(k) && !config.get(k).equals(space.parentConfig().get(k))) {
                        repaired.add(k);
                    }
                }
            }
            Map<String, String> changes = changes(domains, space.parentConfig(), config);
            if (changes.isEmpty() || !seen.add(changes)) {
                continue;
            }
            if (!space.fresh().test(changes)) {
                dropped.merge("already tried from this parent", 1, Integer::sum);
                continue;
            }
            double acquisition = -EXTRA_KNOB_COST * (chosen.size() - 1);
            double worst = 0;
            boolean probes = false;
            for (Map.Entry<String, String> c : changes.entrySet()) {
                String from = space.parentConfig().get(c.getKey());
                double penalty = failures.penalty(c.getKey(), from, c.getValue());
                worst = Math.max(worst, penalty);
                acquisition += tpe.logRatio(c.getKey(), c.getValue()) - FAILURE_COST * penalty;
                probes |= chosen.containsKey(c.getKey()) && moves.get(c.getKey()) == 0;
            }
            acquisition += probes ? UNMOVED_BONUS : 0;
            if (worst >= FORBIDDEN_PENALTY) {
                dropped.merge("into a region where trials failed", 1, Integer::sum);
                continue;
            }
            acquisition += 0.05 * random.nextGaussian(); // breaks ties between equally promising moves
            if (best == null || acquisition > best.acquisition()) {
                best = new Candidate(changes, acquisition, repaired);
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int evidence = best.changes().keySet().stream().mapToInt(tpe::evidence).sum();
        List<String> reasons = dropped.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getValue() + " " + e.getKey()).toList();
        return Optional.of(new Move(best.changes(), best.acquisition(),
                predictGain(domains, space, history, best.changes()), radius, evidence, best.repaired(), reasons));
    }

    private record Candidate(Map<String, String> changes, double acquisition, List<String> repaired) {
    }

    /** One to three knobs, each moved by the trust region or towards a good value. */
    private static Map<String, String> sample(Map<String, KnobDomain> domains, Map<String, String> parent, Tpe tpe,
                                              Map<String, Integer> moves, Map<String, Integer> keeps, double radius,
                                              RandomGenerator random) {
        double roll = random.nextDouble();
        int count = Math.min(domains.size(), roll < 0.55 ? 1 : roll < 0.85 ? 2 : 3);
        List<String> names = new ArrayList<>(domains.keySet());
        Map<String, String> chosen = new LinkedHashMap<>();
        for (int n = 0; n < count && !names.isEmpty(); n++) {
            String knob = pickKnob(names, moves, keeps, random);
            names.remove(knob);
            KnobDomain d = domains.get(knob);
            String current = parent.get(knob);
            if (current == null) {
                continue;
            }
            String value = d.categorical() ? sampleChoice(d, current, tpe, random)
                    : sampleNumber(d, current, tpe, radius, random);
            if (value != null && !d.same(value, current)) {
                chosen.put(knob, value);
            }
        }
        return chosen;
    }

    // knobs moved less often, and knobs whose moves were kept, are picked more often
    private static String pickKnob(List<String> names, Map<String, Integer> moves, Map<String, Integer> keeps,
                                   RandomGenerator random) {
        double[] weights = new double[names.size()];
        double total = 0;
        for (int i = 0; i < names.size(); i++) {
            String k = names.get(i);
            weights[i] = 1.0 / (1 + moves.getOrDefault(k, 0) / 4.0) + 0.6 * keeps.getOrDefault(k, 0);
            total += weights[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < names.size(); i++) {
            r -= weights[i];
            if (r <= 0) {
                return names.get(i);
            }
        }
        return names.get(names.size() - 1);
    }

    private static String sampleNumber(KnobDomain d, String current, Tpe tpe, double radius, RandomGenerator random) {
        double u0 = d.unit(current);
        List<double[]> good = tpe.good(d.name());
        double u;
        if (good.size() > 1 && random.nextDouble() < 0.4) {
            double[] anchor = good.get(random.nextInt(good.size()));
            u = anchor[0] + tpe.bandwidth(d.name()) * random.nextGaussian();
        } else {
            u = u0 + radius * random.nextGaussian();
        }
        double step = d.minStep();
        if (Math.abs(u - u0) < step) {
            u = u0 + (u >= u0 ? step : -step);
        }
        String literal = d.literalAt(u);
        if (d.same(literal, current)) {
            // rounding put it back: step once more the same way, then the other
            for (double s : new double[] {Math.signum(u - u0) * 2 * step, -Math.signum(u - u0) * 2 * step}) {
                String other = d.literalAt(u0 + (s == 0 ? 2 * step : s));
                if (!d.same(other, current)) {
                    return other;
                }
            }
            return null;
        }
        return literal;
    }

    private static String sampleChoice(KnobDomain d, String current, Tpe tpe, RandomGenerator random) {
        List<String> others = d.choices().stream().filter(c -> !d.same(c, current)).toList();
        if (others.isEmpty()) {
            return null;
        }
        if (random.nextDouble() < 0.25) {
            return others.get(random.nextInt(others.size()));
        }
        double[] weights = new double[others.size()];
        double total = 0;
        for (int i = 0; i < others.size(); i++) {
            weights[i] = Math.exp(Math.max(-5, Math.min(5, tpe.logRatio(d.name(), others.get(i)))));
            total += weights[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < others.size(); i++) {
            r -= weights[i];
            if (r <= 0) {
                return others.get(i);
            }
        }
        return others.get(others.size() - 1);
    }

    /** The knobs whose literal differs from the parent's, in the recipe's order. */
    private static Map<String, String> changes(Map<String, KnobDomain> domains, Map<String, String> parent,
                                               Map<String, String> config) {
        Map<String, String> changes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : parent.entrySet()) {
            String now = config.get(e.getKey());
            KnobDomain d = domains.get(e.getKey());
            boolean differs = d == null ? !e.getValue().equals(now) : !d.same(e.getValue(), now);
            if (now != null && differs) {
                changes.put(e.getKey(), now);
            }
        }
        return changes;
    }

    /**
     * The gain (over the parent, positive is better) the model expects: a kernel-weighted mean of the gains of scored
     * trials near the move in the moved knobs, shrunk towards a small prior gain (a third of the keep bar).
     */
    static double predictGain(Map<String, KnobDomain> domains, SearchSpace space, History history,
                              Map<String, String> changes) {
        double prior = space.keepBar() / 3;
        double weighted = prior;
        double weights = 1;
        for (Observed o : history.where(Observed::hasGain)) {
            if (changes.keySet().stream().noneMatch(o::changed)) {
                continue;
            }
            double d2 = 0;
            for (Map.Entry<String, String> c : changes.entrySet()) {
                KnobDomain d = domains.get(c.getKey());
                String theirs = o.config().get(c.getKey());
                if (d == null || theirs == null) {
                    continue;
                }
                double diff = d.categorical() ? (d.same(theirs, c.getValue()) ? 0 : 1) : d.unit(theirs) - d.unit(c.getValue());
                d2 += diff * diff;
            }
            d2 /= changes.size();
            double w = Math.exp(-d2 / (2 * KERNEL * KERNEL));
            weighted += w * o.gain();
            weights += w;
        }
        return weighted / weights;
    }

    /** The knobs a move changes, as "NAME a -> b" phrases, for logs. */
    public static String describe(Map<String, KnobDomain> domains, Map<String, String> parent, Map<String, String> changes) {
        return changes.entrySet().stream().map(e -> {
            KnobDomain d = domains.get(e.getKey());
            return e.getKey() + " " + (d == null ? parent.get(e.getKey()) : d.show(parent.get(e.getKey()))) + " -> "
                    + (d == null ? e.getValue() : d.show(e.getValue()));
        }).collect(Collectors.joining(", "));
    }

    static Comparator<Observed> byGain() {
        return Comparator.comparingDouble(Observed::gain);
    }
}
