package dev.looplab.proposer.search;

import dev.looplab.proposer.platform.KnobChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What failed and where: every failed trial (crash or NaN, size cap, budget overrun, gate, legality) marks the
 * region its moves went into. A move of a knob the same way, as far or farther, is penalised by the failure's share
 * of the blame (one over the knobs it moved); stopping short of it is penalised less the farther short it stops.
 */
public final class FailureModel {

    /** A failed trial's move of one knob. */
    record Failed(Observed trial, String from, String to, double blame) {
    }

    private final Map<String, KnobDomain> domains;
    private final Map<String, List<Failed>> byKnob = new java.util.HashMap<>();

    private FailureModel(Map<String, KnobDomain> domains) {
        this.domains = domains;
    }

    public static FailureModel of(Map<String, KnobDomain> domains, History history) {
        FailureModel model = new FailureModel(domains);
        for (Observed o : history.where(Observed::failed)) {
            int moved = Math.max(1, o.changes().size());
            for (Map.Entry<String, KnobChange> c : o.changes().entrySet()) {
                if (domains.containsKey(c.getKey()) && c.getValue().to() != null) {
                    model.byKnob.computeIfAbsent(c.getKey(), k -> new ArrayList<>())
                            .add(new Failed(o, c.getValue().from(), c.getValue().to(), 1.0 / moved));
                }
            }
        }
        return model;
    }

    /** In [0, 1]: how much moving {@code knob} from {@code from} to {@code to} walks into a region that failed. */
    public double penalty(String knob, String from, String to) {
        List<Failed> failed = byKnob.get(knob);
        KnobDomain d = domains.get(knob);
        if (failed == null || d == null) {
            return 0;
        }
        double keep = 1.0;
        for (Failed f : failed) {
            keep *= 1 - f.blame() * hit(d, f, from, to);
        }
        return 1 - keep;
    }

    /** The failed trials whose move this one repeats (for a hypothesis to cite). */
    public List<Observed> near(String knob, String from, String to) {
        List<Observed> out = new ArrayList<>();
        List<Failed> failed = byKnob.get(knob);
        KnobDomain d = domains.get(knob);
        if (failed != null && d != null) {
            for (Failed f : failed) {
                if (hit(d, f, from, to) > 0.2) {
                    out.add(f.trial());
                }
            }
        }
        return out;
    }

    /** Failed trials that moved {@code knob}, oldest first. */
    public List<Observed> failures(String knob) {
        return byKnob.getOrDefault(knob, List.of()).stream().map(Failed::trial).toList();
    }

    private static double hit(KnobDomain d, Failed f, String from, String to) {
        if (d.categorical()) {
            return d.same(f.to(), to) ? 1 : 0;
        }
        double ft = d.unit(f.to());
        double u = d.unit(to);
        if (f.from() == null) {
            double z = (u - ft) / 0.05;
            return Math.exp(-z * z);
        }
        double ff = d.unit(f.from());
        double failedDirection = Math.signum(ft - ff);
        double direction = Math.signum(u - d.unit(from));
        if (failedDirection == 0 || direction != failedDirection) {
            return 0;
        }
        double beyond = failedDirection * (u - ft); // >= 0: as far as the failure or farther
        if (beyond >= 0) {
            return 1;
        }
        // stopping a fifth of the failed step short already halves the penalty
        double scale = 0.2 * Math.abs(ft - ff) + 0.015;
        return Math.exp(-(beyond / scale) * (beyond / scale));
    }
}
