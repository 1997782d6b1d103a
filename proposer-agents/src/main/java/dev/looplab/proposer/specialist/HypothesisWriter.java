package dev.looplab.proposer.specialist;

import dev.looplab.proposer.knob.Numbers;
import dev.looplab.proposer.search.FailureModel;
import dev.looplab.proposer.search.History;
import dev.looplab.proposer.search.KnobDomain;
import dev.looplab.proposer.search.Move;
import dev.looplab.proposer.search.Observed;
import dev.looplab.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a built-in specialist's hypothesis: what it changes (first line), why, which trials it learned from
 * ("13 and 22 raised LR and were kept; 31 at LR 2.5e-2 crashed, so this stays below it"), and the delta its model
 * expects.
 */
final class HypothesisWriter {
    static final int MAX_CITED = 3;

    private HypothesisWriter() {
    }

    static String write(String surface, Map<String, KnobDomain> domains, Map<String, String> parent, Move move,
                        History history, SpecialistContext ctx, String modelName) {
        StringBuilder text = new StringBuilder();
        text.append(surface).append(": ").append(changes(domains, parent, move.changes()));
        List<String> why = new ArrayList<>();
        List<String> learned = new ArrayList<>();
        FailureModel failures = FailureModel.of(domains, history);
        for (Map.Entry<String, String> c : move.changes().entrySet()) {
            KnobDomain d = domains.get(c.getKey());
            if (d == null) {
                continue;
            }
            String from = parent.get(c.getKey());
            String to = c.getValue();
            if (move.repaired().contains(c.getKey())) {
                continue;
            }
            if (d.categorical()) {
                why.add(KnobLore.whyChoice(c.getKey(), d.show(to)));
            } else {
                boolean up = d.unit(to) > d.unit(from);
                why.add((up ? "raising " : "lowering ") + c.getKey() + " " + KnobLore.why(c.getKey(), up));
            }
            learned.add(evidence(d, from, to, history, failures));
        }
        text.append("\n\n").append(capitalise(String.join("; ", why))).append('.');
        if (!move.repaired().isEmpty()) {
            text.append(" ").append(move.repaired().stream().map(k -> k + " " + domains.get(k).show(parent.get(k))
                    + " -> " + domains.get(k).show(move.changes().get(k))).collect(Collectors.joining(", ")))
                    .append(" keeps the recipe's constraints.");
        }
        text.append("\nLearned from: ").append(String.join("; ", learned)).append('.');
        double delta = ctx.deltaOf(move.predictedGain());
        text.append(String.format(Locale.ROOT, "\nModel: %s, trust radius %.2f, %d scored trials moved these knobs;"
                        + " expects %s %s%s vs trial %s (a keep needs a gain above %s).", modelName, move.radius(),
                move.evidence(), ctx.scoreName(), delta > 0 ? "+" : "", Numbers.brief(delta), ctx.parentTrial(),
                Numbers.brief(ctx.keepBar())));
        if (!move.dropped().isEmpty()) {
            text.append("\nSkipped candidates: ").append(String.join(", ", move.dropped().subList(0,
                    Math.min(3, move.dropped().size())))).append('.');
        }
        return text.toString();
    }

    /** "LR 1e-2 -> 1.4e-2, BETA2 0.95 -> 0.93" */
    static String changes(Map<String, KnobDomain> domains, Map<String, String> parent, Map<String, String> changes) {
        return changes.entrySet().stream().map(e -> {
            KnobDomain d = domains.get(e.getKey());
            return e.getKey() + " " + show(d, parent.get(e.getKey())) + " -> " + show(d, e.getValue());
        }).collect(Collectors.joining(", "));
    }

    private static String show(KnobDomain d, String literal) {
        return d == null ? literal : d.show(literal);
    }

    /** What the lineage says about moving this knob this way. */
    static String evidence(KnobDomain d, String from, String to, History history, FailureModel failures) {
        String knob = d.name();
        List<Observed> sameWay = new ArrayList<>();
        for (Observed o : history.moving(knob)) {
            String theirFrom = o.changes().get(knob).from();
            String theirTo = o.changes().get(knob).to();
            if (theirTo == null) {
                continue;
            }
            boolean same = d.categorical() ? d.same(theirTo, to)
                    : theirFrom != null && Math.signum(d.unit(theirTo) - d.unit(theirFrom)) == Math.signum(d.unit(to) - d.unit(from));
            if (same) {
                sameWay.add(o);
            }
        }
        String verb = d.categorical() ? "set " + knob + " to " + d.show(to)
                : (d.unit(to) > d.unit(from) ? "raised " : "lowered ") + knob;
        List<String> parts = new ArrayList<>();
        List<Observed> kept = sameWay.stream().filter(o -> o.status() == TrialStatus.keep).toList();
        List<Observed> discarded = sameWay.stream().filter(o -> o.status() == TrialStatus.discard).toList();
        if (!kept.isEmpty()) {
            parts.add(ids(kept) + " " + verb + " and " + (kept.size() == 1 ? "was" : "were") + " kept");
        }
        if (!discarded.isEmpty()) {
            parts.add(ids(discarded) + " " + verb + " and " + (discarded.size() == 1 ? "was" : "were") + " discarded"
                    + meanGain(discarded));
        }
        for (Observed f : failures.failures(knob)) {
            String value = f.changes().get(knob).to();
            boolean beyond = !d.categorical() && value != null && from != null
                    && Math.abs(d.unit(to) - d.unit(from)) < Math.abs(d.unit(value) - d.unit(from))
                    && Math.signum(d.unit(value) - d.unit(from)) == Math.signum(d.unit(to) - d.unit(from));
            parts.add(f.trial() + " at " + knob + " " + d.show(value) + " " + f.failure()
                    + (beyond ? ", so this stays short of it" : ""));
            if (parts.size() >= 4) {
                break;
            }
        }
        if (parts.isEmpty()) {
            return history.moving(knob).isEmpty() ? "no trial has moved " + knob + " yet, so this probes it"
                    : "no trial has " + verb.replaceFirst("^set", "set") + " this way yet";
        }
        return String.join(", ", parts);
    }

    private static String ids(List<Observed> trials) {
        List<String> ids = trials.stream().map(Observed::trial).toList();
        List<String> last = ids.subList(Math.max(0, ids.size() - MAX_CITED), ids.size());
        String joined = last.size() == 1 ? last.get(0)
                : String.join(", ", last.subList(0, last.size() - 1)) + " and " + last.get(last.size() - 1);
        return (ids.size() > MAX_CITED ? (ids.size() - MAX_CITED) + " more, " : "") + joined;
    }

    private static String meanGain(List<Observed> trials) {
        double mean = trials.stream().filter(Observed::hasGain).mapToDouble(Observed::gain).average().orElse(Double.NaN);
        return Double.isNaN(mean) ? "" : " (mean gain " + Numbers.brief(mean) + ")";
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
