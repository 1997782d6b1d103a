package dev.looplab.proposer.specialist;

import dev.looplab.diff.UnifiedDiff;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.proposer.knob.Knob;
import dev.looplab.proposer.knob.KnobParser;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The {@code lr-tuner}: multiplies the best trial's learning rate by a factor, moving in the
 * direction its recorded outcomes favour and never retrying a value it already tried from that best.
 */
@ApplicationScoped
public class LearningRateSpecialist implements Specialist {
    public static final String NAME = "lr-tuner";
    public static final String SURFACE = "optimizer";
    static final String RECIPE = "Recipe.java";

    private static final Logger LOG = Logger.getLogger(LearningRateSpecialist.class);
    // the first two of each side are the usual steps; the rest widen and refine the search once those are spent
    private static final double[] UP = {1.4, 2.0, 1.2, 2.8, 1.1, 4.0};
    private static final double[] DOWN = {0.7, 0.5, 0.85, 0.35, 0.9, 0.25};
    private static final int FEEDBACK_CHARS = 240;

    /** Attempts by proposal id, in the order they were proposed or first heard of. */
    private final Map<String, Attempt> attempts = new LinkedHashMap<>();
    /** Outcomes of lr-tuner proposals this instance did not make (before a restart); their LR is read lazily. */
    private final Map<String, OutcomeRecorded> unresolved = new LinkedHashMap<>();
    private final Set<String> quietParents = new HashSet<>();
    private OutcomeRecorded lastCampaignOutcome;

    /** One learning-rate move and, once recorded, its outcome. */
    public record Attempt(String proposalId, String parentTrial, double fromLr, double toLr, OutcomeRecorded outcome) {
        boolean raised() {
            return toLr > fromLr;
        }

        double factor() {
            return toLr / fromLr;
        }

        Attempt withOutcome(OutcomeRecorded o) {
            return new Attempt(proposalId, parentTrial, fromLr, toLr, o);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String surface() {
        return SURFACE;
    }

    /** A copy of the attempts this specialist remembers, oldest first. */
    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts.values());
    }

    /** The remembered attempt behind {@code proposalId}, if this specialist made it or has resolved it. */
    public synchronized Optional<Attempt> attempt(String proposalId) {
        return Optional.ofNullable(attempts.get(proposalId));
    }

    @Override
    public synchronized void observe(OutcomeRecorded outcome) {
        lastCampaignOutcome = outcome;
        if (!NAME.equals(outcome.specialist()) || outcome.proposalId() == null) {
            return;
        }
        Attempt known = attempts.get(outcome.proposalId());
        if (known != null) {
            attempts.put(known.proposalId(), known.withOutcome(outcome));
        } else if (outcome.trialId() != null && outcome.parentTrial() != null) {
            unresolved.put(outcome.proposalId(), outcome);
        }
    }

    @Override
    public synchronized Optional<ProposedEdit> propose(SpecialistContext ctx) {
        resolveOutcomesFromBeforeRestart(ctx.files());
        String recipe = ctx.parentFile(RECIPE);
        Optional<Knob> lrKnob = learningRate(recipe);
        if (lrKnob.isEmpty()) {
            logOncePerParent(ctx.parentTrial(), "trial %s has no learning-rate knob in %s (a line like "
                    + "'static final float LR = 3e-3f; // @knob surface=optimizer range=[1e-4,3e-2]'); lr-tuner skips it",
                    ctx.parentTrial(), RECIPE);
            return Optional.empty();
        }
        Knob knob = lrKnob.get();
        double current = knob.numericValue();
        Optional<Attempt> last = lastRecorded();
        for (double factor : factorsToTry(last, ctx)) {
            String literal = knob.type().literal(knob.clamp(current * factor));
            double written = Knob.parseNumber(literal);
            if (same(written, current) || triedFrom(ctx.parentTrial(), written)) {
                continue;
            }
            String edited = KnobParser.rewrite(recipe, knob.name(), literal);
            String diff = UnifiedDiff.of(RECIPE, recipe, edited);
            attempts.put(ctx.proposalId(), new Attempt(ctx.proposalId(), ctx.parentTrial(), current, written, null));
            return Optional.of(new ProposedEdit(hypothesis(knob.name(), current, written, budget(ctx), last),
                    expectedDelta(ctx, factor), diff));
        }
        logOncePerParent(ctx.parentTrial(), "lr-tuner has tried every learning-rate step from trial %s; waiting for a new best",
                ctx.parentTrial());
        return Optional.empty();
    }

    // the loop asks every tick; say why we pass once per best trial, not every tick
    private void logOncePerParent(String parentTrial, String format, Object... args) {
        if (quietParents.add(parentTrial)) {
            LOG.infof(format, args);
        }
    }

    /** The learning-rate knob: {@code LR} or {@code LEARNING_RATE}, else a numeric optimizer knob named like *_LR. */
    static Optional<Knob> learningRate(String recipe) {
        List<Knob> knobs = KnobParser.parse(recipe).stream().filter(k -> k.type().isNumeric()).toList();
        return knobs.stream().filter(k -> k.name().equals("LR") || k.name().equals("LEARNING_RATE")).findFirst()
                .or(() -> knobs.stream()
                        .filter(k -> SURFACE.equals(k.surface()) && k.name().matches("(?:.*_)?LR(?:_.*)?"))
                        .findFirst());
    }

    /**
     * Factors in the order to try: keep going the way the last recorded move went if it was kept
     * (same step size first), turn around if it was not, and pick a side by the seed when nothing is known.
     */
    private List<Double> factorsToTry(Optional<Attempt> last, SpecialistContext ctx) {
        boolean up;
        boolean bigFirst = false;
        if (last.isPresent()) {
            boolean helped = last.get().outcome().status() == TrialStatus.keep;
            up = helped == last.get().raised();
            bigFirst = helped && Math.abs(Math.log(last.get().factor())) >= Math.log(1.7);
        } else {
            up = ctx.random().nextBoolean();
        }
        double[] first = up ? UP : DOWN;
        double[] second = up ? DOWN : UP;
        List<Double> order = new ArrayList<>();
        if (bigFirst) {
            order.add(first[1]);
            order.add(first[0]);
        } else {
            order.add(first[0]);
            order.add(first[1]);
        }
        order.add(second[0]);
        order.add(second[1]);
        for (int i = 2; i < first.length; i++) {
            order.add(first[i]);
            order.add(second[i]);
        }
        return order;
    }

    private Optional<Attempt> lastRecorded() {
        Attempt last = null;
        for (Attempt a : attempts.values()) {
            if (a.outcome() != null && (last == null || a.outcome().recordedAtMs() >= last.outcome().recordedAtMs())) {
                last = a;
            }
        }
        return Optional.ofNullable(last);
    }

    private boolean triedFrom(String parentTrial, double value) {
        return attempts.values().stream().anyMatch(a -> a.parentTrial().equals(parentTrial) && same(a.toLr(), value));
    }

    private static boolean same(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    }

    /** Reads the LR of trial and parent for outcomes heard of without the proposal (this instance restarted). */
    private void resolveOutcomesFromBeforeRestart(TrialFiles files) {
        for (var it = unresolved.values().iterator(); it.hasNext(); ) {
            OutcomeRecorded o = it.next();
            try {
                Optional<Knob> to = learningRate(files.read(o.trialId(), RECIPE));
                Optional<Knob> from = learningRate(files.read(o.parentTrial(), RECIPE));
                if (to.isPresent() && from.isPresent()) {
                    attempts.put(o.proposalId(), new Attempt(o.proposalId(), o.parentTrial(),
                            from.get().numericValue(), to.get().numericValue(), o));
                }
            } catch (RuntimeException e) {
                LOG.debugf("cannot read the learning rates of trial %s (%s); forgetting that outcome", o.trialId(), e.getMessage());
            }
            it.remove();
        }
    }

    /** "the 90 s training budget", as the platform reports the campaign's trials run. */
    private static String budget(SpecialistContext ctx) {
        return ctx.trainBudgetSeconds() > 0 ? "the " + ctx.trainBudgetSeconds() + " s training budget"
                : "the fixed training budget";
    }

    private String hypothesis(String knobName, double from, double to, String budget, Optional<Attempt> last) {
        String move = to > from
                ? String.format(Locale.ROOT, "Raising %s from %.1e to %.1e should speed up early learning within %s",
                knobName, from, to, budget)
                : String.format(Locale.ROOT, "Lowering %s from %.1e to %.1e should steady the updates and cut loss spikes within %s",
                knobName, from, to, budget);
        return move + "; " + lastOutcomeClause(last);
    }

    private String lastOutcomeClause(Optional<Attempt> last) {
        if (last.isPresent()) {
            Attempt a = last.get();
            OutcomeRecorded o = a.outcome();
            return String.format(Locale.ROOT, "last outcome: %s for LR %.1e -> %.1e%s%s", o.status(), a.fromLr(), a.toLr(),
                    o.deltaVsParent() == null ? "" : String.format(Locale.ROOT, " (delta vs parent %+.4g)", o.deltaVsParent()),
                    feedback(o));
        }
        if (lastCampaignOutcome != null) {
            return "last outcome: " + lastCampaignOutcome.status() + " from " + lastCampaignOutcome.specialist()
                    + feedback(lastCampaignOutcome);
        }
        return "no outcome recorded yet, so this probes which way the learning rate should move.";
    }

    private static String feedback(OutcomeRecorded o) {
        if (o.feedback() == null || o.feedback().isBlank()) {
            return ".";
        }
        String text = o.feedback().strip().replaceAll("\\s+", " ");
        if (text.length() > FEEDBACK_CHARS) {
            text = text.substring(0, FEEDBACK_CHARS - 3) + "...";
        }
        return ": " + text + (text.endsWith(".") ? "" : ".");
    }

    /** Expected score change vs the parent: about half a percent for a small step, one percent for a big one. */
    private static double expectedDelta(SpecialistContext ctx, double factor) {
        double scale = ctx.parentScore() == 0 ? 0.01 : Math.abs(ctx.parentScore());
        double gain = (Math.abs(Math.log(factor)) >= Math.log(1.7) ? 0.01 : 0.005) * scale;
        return ctx.direction() == Direction.lower ? -gain : gain;
    }
}
