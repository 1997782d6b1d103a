package dev.looplab.proposer.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tree-structured Parzen estimator per knob: from the trials that moved a knob, a density of the values that came
 * with the best gains ({@code l}: kept moves, the top {@value #GAMMA} that improved on their parent, and the
 * incumbent's value)
 * and one of the rest ({@code g}); a candidate value is promising where {@code l/g} is high. Failures are the
 * {@link FailureModel}'s, which knows which way a move went wrong.
 */
public final class Tpe {
    static final double GAMMA = 0.25;
    static final double INCUMBENT_WEIGHT = 0.5;

    /** One knob's evidence: values in [0, 1] (numeric) or literals (categorical), each with a weight. */
    record Points(List<double[]> good, List<double[]> bad, Map<String, Double> goodChoices,
                  Map<String, Double> badChoices, int scored, double bandwidth) {
    }

    private final Map<String, Points> byKnob = new HashMap<>();
    private final Map<String, KnobDomain> domains;

    private Tpe(Map<String, KnobDomain> domains) {
        this.domains = domains;
    }

    /** Fits every knob of {@code domains} on {@code history}; {@code incumbent} is the parent's configuration. */
    public static Tpe fit(Map<String, KnobDomain> domains, History history, Map<String, String> incumbent) {
        Tpe tpe = new Tpe(domains);
        for (KnobDomain d : domains.values()) {
            tpe.byKnob.put(d.name(), points(d, history.moving(d.name()), incumbent.get(d.name())));
        }
        return tpe;
    }

    private static Points points(KnobDomain d, List<Observed> movers, String incumbent) {
        List<Observed> scored = new ArrayList<>(movers.stream().filter(Observed::hasGain).toList());
        scored.sort(Comparator.comparingDouble(Observed::gain).reversed());
        int nGood = (int) Math.ceil(GAMMA * scored.size());
        List<double[]> good = new ArrayList<>();
        List<double[]> bad = new ArrayList<>();
        Map<String, Double> goodChoices = new HashMap<>();
        Map<String, Double> badChoices = new HashMap<>();
        for (int i = 0; i < scored.size(); i++) {
            Observed o = scored.get(i);
            // kept moves are good whatever their rank; the best of the rest too, while they gained
            boolean isGood = o.status() == dev.looplab.trial.TrialStatus.keep || (i < nGood && o.gain() > 0);
            add(d, o.config().get(d.name()), 1.0, isGood ? good : bad, isGood ? goodChoices : badChoices);
        }
        if (incumbent != null) {
            add(d, incumbent, INCUMBENT_WEIGHT, good, goodChoices);
        }
        return new Points(good, bad, goodChoices, badChoices, scored.size(), bandwidth(good, bad));
    }

    private static void add(KnobDomain d, String literal, double weight, List<double[]> units, Map<String, Double> choices) {
        if (literal == null) {
            return;
        }
        if (d.categorical()) {
            String key = canonical(d, literal);
            choices.merge(key, weight, Double::sum);
        } else {
            units.add(new double[] {d.unit(literal), weight});
        }
    }

    private static String canonical(KnobDomain d, String literal) {
        for (String c : d.choices()) {
            if (d.same(c, literal)) {
                return c;
            }
        }
        return literal;
    }

    // Scott's rule on all points, kept between a tight and a loose kernel
    private static double bandwidth(List<double[]> good, List<double[]> bad) {
        List<Double> xs = new ArrayList<>();
        good.forEach(p -> xs.add(p[0]));
        bad.forEach(p -> xs.add(p[0]));
        if (xs.size() < 2) {
            return 0.15;
        }
        double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sd = Math.sqrt(xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (xs.size() - 1));
        return Math.max(0.05, Math.min(0.25, 1.06 * sd * Math.pow(xs.size(), -0.2)));
    }

    /** log l(x) - log g(x) for {@code literal} of {@code knob}: above 0 where good values cluster. */
    public double logRatio(String knob, String literal) {
        Points p = byKnob.get(knob);
        KnobDomain d = domains.get(knob);
        // no scored trial moved this knob: the model knows nothing, so it favours no value
        if (p == null || d == null || literal == null || p.scored() == 0) {
            return 0;
        }
        if (d.categorical()) {
            String c = canonical(d, literal);
            int k = d.choices().size();
            double good = (1 + p.goodChoices().getOrDefault(c, 0.0)) / (k + sum(p.goodChoices()));
            double bad = (1 + p.badChoices().getOrDefault(c, 0.0)) / (k + sum(p.badChoices()));
            return Math.log(good) - Math.log(bad);
        }
        double u = d.unit(literal);
        return Math.log(density(p.good(), u, p.bandwidth())) - Math.log(density(p.bad(), u, p.bandwidth()));
    }

    /** The good values of a numeric knob in [0, 1] with their weights, for sampling near them. */
    public List<double[]> good(String knob) {
        Points p = byKnob.get(knob);
        return p == null ? List.of() : p.good();
    }

    public double bandwidth(String knob) {
        Points p = byKnob.get(knob);
        return p == null ? 0.15 : p.bandwidth();
    }

    /** Scored trials that moved the knob: how much the model knows about it. */
    public int evidence(String knob) {
        Points p = byKnob.get(knob);
        return p == null ? 0 : p.scored();
    }

    // a uniform prior of weight 1 keeps both densities above zero everywhere
    private static double density(List<double[]> points, double u, double h) {
        double total = 1.0;
        double weight = 1.0;
        for (double[] p : points) {
            double z = (u - p[0]) / h;
            total += p[1] * Math.exp(-0.5 * z * z) / (h * Math.sqrt(2 * Math.PI));
            weight += p[1];
        }
        return total / weight;
    }

    private static double sum(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
