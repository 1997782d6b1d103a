package dev.looplab.proposer.search;

import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.proposer.platform.LineageRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A campaign's lineage rows turned into {@link Observed} trials: each trial's knob configuration is its parent's
 * with the trial's knob changes applied (the root's is read from its recipe), and its gain over the parent is
 * measured in the task's direction.
 */
public final class History {
    private final List<Observed> trials;
    private final Map<String, Observed> byId;
    private final boolean lowerIsBetter;

    private History(List<Observed> trials, boolean lowerIsBetter) {
        this.trials = List.copyOf(trials);
        this.lowerIsBetter = lowerIsBetter;
        Map<String, Observed> map = new HashMap<>();
        trials.forEach(t -> map.put(t.trial(), t));
        this.byId = Collections.unmodifiableMap(map);
    }

    /** An empty history (a campaign before its first trial). */
    public static History empty(boolean lowerIsBetter) {
        return new History(List.of(), lowerIsBetter);
    }

    /**
     * The history of {@code rows} (oldest first); {@code rootConfig} is the knob configuration of the task's root
     * recipe, the start of every chain.
     */
    public static History of(List<LineageRow> rows, Map<String, String> rootConfig, boolean lowerIsBetter) {
        Map<String, Map<String, String>> configs = new HashMap<>();
        Map<String, Double> scores = new HashMap<>();
        List<Observed> out = new ArrayList<>();
        int order = 0;
        for (LineageRow row : rows) {
            Map<String, String> base = row.parent() == null ? rootConfig
                    : configs.getOrDefault(row.parent(), rootConfig);
            Map<String, String> config = new LinkedHashMap<>(base);
            for (Map.Entry<String, KnobChange> change : row.knobs().entrySet()) {
                if (change.getValue().to() != null) {
                    config.put(change.getKey(), change.getValue().to());
                }
            }
            configs.put(row.trial(), config);
            if (row.score() != null) {
                scores.put(row.trial(), row.score());
            }
            Double gain = null;
            if (row.deltaVsParent() != null) {
                gain = lowerIsBetter ? -row.deltaVsParent() : row.deltaVsParent();
            } else if (row.score() != null && row.parent() != null && scores.containsKey(row.parent())) {
                double delta = row.score() - scores.get(row.parent());
                gain = lowerIsBetter ? -delta : delta;
            }
            out.add(new Observed(row.trial(), row.parent(), row.specialist(), row.surface(), row.status(), row.score(),
                    gain, Collections.unmodifiableMap(config), row.knobs(), row.artifactBytes(), row.feedback(),
                    order++));
        }
        return new History(out, lowerIsBetter);
    }

    public List<Observed> trials() {
        return trials;
    }

    public Optional<Observed> trial(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public boolean lowerIsBetter() {
        return lowerIsBetter;
    }

    /** The trials matching {@code filter}, oldest first. */
    public List<Observed> where(Predicate<Observed> filter) {
        return trials.stream().filter(filter).toList();
    }

    /** The knob configuration of a trial, if the history has it. */
    public Optional<Map<String, String>> config(String trial) {
        return trial(trial).map(Observed::config);
    }

    /** The trials whose parent is {@code parent}, oldest first. */
    public List<Observed> children(String parent) {
        return where(t -> parent.equals(t.parent()));
    }

    /** The trials proposed by {@code specialist}, oldest first. */
    public List<Observed> by(String specialist) {
        return where(t -> specialist.equals(t.specialist()));
    }

    /** The trials that changed {@code knob}, oldest first. */
    public List<Observed> moving(String knob) {
        return where(t -> t.changed(knob));
    }
}
