package dev.looplab.proposer.constraint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules a task's recipe must keep, checked before a proposal is sent: for golf-mini {@code D_MODEL % HEADS == 0},
 * {@code BACKPROP_LOOPS <= MEAN_LOOPS} and the artifact cap; for the GPU language models even head sizes, grouped
 * query heads and the batch split; for the CNNs a positive learning rate. A violating candidate is repaired inside
 * the specialist's surface when a rule knows how, else dropped.
 */
public final class Constraints {
    private static final int MAX_REPAIRS = 4;

    private final List<Rule> rules;

    public Constraints(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Constraints none() {
        return new Constraints(List.of());
    }

    /**
     * The rules of {@code task}; {@code size} adds its artifact cap when Looplab can estimate the recipe's artifact.
     */
    public static Constraints forTask(String task, Optional<SizeRule> size) {
        List<Rule> rules = new ArrayList<>();
        switch (task) {
            case "golf-mini" -> {
                rules.add(Rules.divisible("D_MODEL", "HEADS"));
                rules.add(Rules.atMost("BACKPROP_LOOPS", "MEAN_LOOPS"));
            }
            case "parameter-golf", "nanochat-d12" -> {
                rules.add(Rules.divisible("MODEL_DIM", "NUM_HEADS"));
                rules.add(Rules.evenQuotient("MODEL_DIM", "NUM_HEADS"));
                rules.add(Rules.divisible("NUM_HEADS", "NUM_KV_HEADS"));
                rules.add(Rules.atMost("BACKPROP_LOOPS", "MEAN_LOOPS"));
                rules.add(Rules.divisible("BATCH_TOKENS", "GRAD_ACCUM"));
                rules.add(batchSplitsIntoSequences());
            }
            case "airbench-mini" -> {
                rules.add(Rules.positive("LR"));
                rules.add(Rules.positive("EPOCHS"));
                rules.add(Rules.atMostWhen("LR", 0.02, "OPTIMIZER", "adamw"));
            }
            case "airbench96" -> {
                rules.add(Rules.positive("LR"));
                rules.add(Rules.positive("EPOCHS"));
            }
            default -> { }
        }
        size.ifPresent(rules::add);
        return new Constraints(rules);
    }

    /** The rules in words, for a prompt. */
    public List<String> describe() {
        return rules.stream().map(Object::toString).toList();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Every rule {@code config} breaks, as sentences. */
    public List<String> violations(Map<String, String> config) {
        List<String> out = new ArrayList<>();
        for (Rule r : rules) {
            r.violation(config).ifPresent(out::add);
        }
        return out;
    }

    /**
     * {@code config} with its broken rules repaired by changing only {@code editable} knobs (the ones {@code moved}
     * last), or empty when some rule stays broken.
     */
    public Optional<Map<String, String>> repair(Map<String, String> config, Set<String> editable, Set<String> moved,
                                                KnobBounds bounds) {
        Map<String, String> current = config;
        Set<String> touched = new HashSet<>(moved);
        for (int round = 0; round < MAX_REPAIRS; round++) {
            Rule broken = null;
            for (Rule r : rules) {
                if (r.violation(current).isPresent()) {
                    broken = r;
                    break;
                }
            }
            if (broken == null) {
                return Optional.of(current);
            }
            Optional<Map<String, String>> fixed = broken.repair(current, editable, touched, bounds);
            if (fixed.isEmpty()) {
                return Optional.empty();
            }
            for (Map.Entry<String, String> e : fixed.get().entrySet()) {
                if (!e.getValue().equals(current.get(e.getKey()))) {
                    touched.add(e.getKey());
                }
            }
            current = fixed.get();
        }
        return violations(current).isEmpty() ? Optional.of(current) : Optional.empty();
    }

    /** BATCH_TOKENS / GRAD_ACCUM micro-batches must be whole sequences of SEQ_LEN tokens. */
    private static Rule batchSplitsIntoSequences() {
        return new Rule() {
            @Override
            public Optional<String> violation(Map<String, String> c) {
                if (!c.containsKey("BATCH_TOKENS") || !c.containsKey("GRAD_ACCUM") || !c.containsKey("SEQ_LEN")) {
                    return Optional.empty();
                }
                long accum = Math.max(1, Rules.whole(c, "GRAD_ACCUM"));
                long micro = Rules.whole(c, "BATCH_TOKENS") / accum;
                long seq = Math.max(1, Rules.whole(c, "SEQ_LEN"));
                return micro % seq == 0 ? Optional.empty() : Optional.of("BATCH_TOKENS / GRAD_ACCUM = " + micro
                        + " tokens is not a whole number of SEQ_LEN " + seq + " sequences");
            }

            @Override
            public Set<String> knobs() {
                return Set.of("BATCH_TOKENS", "GRAD_ACCUM", "SEQ_LEN");
            }

            @Override
            public String toString() {
                return "BATCH_TOKENS / GRAD_ACCUM is a whole number of SEQ_LEN sequences";
            }
        };
    }
}
