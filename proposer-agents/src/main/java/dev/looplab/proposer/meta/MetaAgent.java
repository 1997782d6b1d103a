package dev.looplab.proposer.meta;

import dev.looplab.proposer.search.History;
import dev.looplab.proposer.search.Observed;
import dev.looplab.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Decides which specialist gets each free slot: Thompson sampling on each specialist's reward per trial (its gain
 * over the parent in units of the keep bar, clipped to [-1, 3]; -1 for a failed trial, -0.5 for a refused one)
 * with a Normal posterior around an optimistic prior, so a specialist that gains gets more slots. A specialist that
 * has never proposed goes first, and a floor keeps any from starving: one with under {@code floor} of the recent
 * slots that has waited {@code 1/floor} slots goes next.
 */
public final class MetaAgent {
    static final double PRIOR_MEAN = 0.3;
    static final double PRIOR_TRIALS = 1;
    static final int WINDOW = 40;

    private final double floor;

    public MetaAgent(double floor) {
        if (!(floor >= 0 && floor < 1)) {
            throw new IllegalArgumentException("meta floor " + floor + " must be in [0, 1), e.g. 0.05");
        }
        this.floor = floor;
    }

    /** One specialist's standing: trials so far, posterior mean reward, this allocation's sample. */
    public record Arm(String specialist, int trials, int recorded, double meanReward, double sample) {
    }

    /** The order to offer the slot in (the first that proposes takes it), why the first is first, and every arm. */
    public record Allocation(List<String> order, String reason, List<Arm> arms) {

        /** One log line: who gets the slot and how the arms stand. */
        public String describe() {
            return describe(order.isEmpty() ? "no specialist" : order.get(0));
        }

        /** One log line when {@code taker} took the slot (a later one in the order when the first had nothing). */
        public String describe(String taker) {
            String why = !order.isEmpty() && order.get(0).equals(taker) ? reason
                    : (order.isEmpty() ? "" : order.get(0)) + " had nothing to propose";
            return taker + " (" + why + ") | " + arms.stream()
                    .sorted(Comparator.comparingDouble(Arm::sample).reversed())
                    .map(a -> String.format(Locale.ROOT, "%s %.2f (mean %.2f over %d)", a.specialist(), a.sample(),
                            a.meanReward(), a.recorded()))
                    .collect(Collectors.joining(", "));
        }
    }

    /** The reward of one recorded trial in units of {@code keepBar}; null when it says nothing (in flight, lost). */
    public static Double reward(Observed o, double keepBar) {
        if (o.status() == null || !o.status().isFinal() || o.status() == TrialStatus.worker_lost) {
            return null;
        }
        if (o.status() == TrialStatus.preflight_reject) {
            return -0.5;
        }
        if (o.failed()) {
            return -1.0;
        }
        if (!o.hasGain()) {
            return null;
        }
        return Math.max(-1, Math.min(3, o.gain() / keepBar));
    }

    /** Ranks {@code specialists} for the next slot from the campaign's {@code history}. */
    public Allocation allocate(List<String> specialists, History history, double keepBar, RandomGenerator random) {
        double bar = keepBar > 0 ? keepBar : 1e-9;
        List<Arm> arms = new ArrayList<>();
        for (String s : specialists) {
            List<Observed> own = history.by(s);
            double sum = 0;
            int n = 0;
            for (Observed o : own) {
                Double r = reward(o, bar);
                if (r != null) {
                    sum += r;
                    n++;
                }
            }
            double mean = (PRIOR_MEAN * PRIOR_TRIALS + sum) / (PRIOR_TRIALS + n);
            double sample = mean + random.nextGaussian() / Math.sqrt(PRIOR_TRIALS + n);
            arms.add(new Arm(s, own.size(), n, mean, sample));
        }
        List<String> order = new ArrayList<>();
        String reason;
        List<Arm> untried = arms.stream().filter(a -> a.trials() == 0).toList();
        List<String> starved = starved(specialists, history);
        if (!untried.isEmpty()) {
            order.add(untried.get(0).specialist());
            reason = "has not proposed yet";
        } else if (!starved.isEmpty()) {
            order.add(starved.get(0));
            reason = String.format(Locale.ROOT, "floor: under %.0f%% of the last %d slots", floor * 100, WINDOW);
        } else {
            reason = "Thompson sample";
        }
        arms.stream().sorted(Comparator.comparingDouble(Arm::sample).reversed()).map(Arm::specialist)
                .filter(s -> !order.contains(s)).forEach(order::add);
        if (reason.equals("Thompson sample") && !arms.isEmpty()) {
            Arm top = arms.stream().filter(a -> a.specialist().equals(order.get(0))).findFirst().orElseThrow();
            reason = String.format(Locale.ROOT, "Thompson sample %.2f, mean reward %.2f over %d trials", top.sample(),
                    top.meanReward(), top.recorded());
        }
        return new Allocation(order, reason, arms);
    }

    /** Specialists with under {@code floor} of the last {@value #WINDOW} slots that have waited 1/floor slots, most starved first. */
    private List<String> starved(List<String> specialists, History history) {
        if (floor <= 0) {
            return List.of();
        }
        List<Observed> recent = history.where(o -> specialists.contains(o.specialist()));
        int total = recent.size();
        List<Observed> window = recent.subList(Math.max(0, total - WINDOW), total);
        Map<String, Integer> lastSeen = new HashMap<>();
        for (int i = 0; i < recent.size(); i++) {
            lastSeen.put(recent.get(i).specialist(), i);
        }
        int wait = (int) Math.ceil(1 / floor);
        List<String> out = new ArrayList<>();
        for (String s : specialists) {
            long share = window.stream().filter(o -> s.equals(o.specialist())).count();
            int waited = total - 1 - lastSeen.getOrDefault(s, -1);
            if (window.size() >= wait && share < floor * window.size() && waited >= wait) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparingInt((String s) -> lastSeen.getOrDefault(s, -1)));
        return out;
    }
}
