package dev.looplab.platform.proposal;

import dev.looplab.platform.trial.KnobChange;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The knob values a diff changes, read from its removed and added knob lines, for the lineage rows. */
final class KnobChanges {

    private KnobChanges() {
    }

    /** Knob name to its change, in the order the diff names them; knobs whose literal did not change are left out. */
    static Map<String, KnobChange> of(String diff) {
        Map<String, String> from = new LinkedHashMap<>();
        Map<String, String> to = new LinkedHashMap<>();
        for (String line : diff.split("\n", -1)) {
            if (line.startsWith("---") || line.startsWith("+++")) {
                continue;
            }
            if (line.startsWith("-")) {
                KnobLine.parse(line.substring(1)).ifPresent(k -> from.putIfAbsent(k.name(), k.value()));
            } else if (line.startsWith("+")) {
                KnobLine.parse(line.substring(1)).ifPresent(k -> to.put(k.name(), k.value()));
            }
        }
        Map<String, KnobChange> changes = new LinkedHashMap<>();
        from.forEach((name, old) -> {
            if (!Objects.equals(old, to.get(name))) {
                changes.put(name, new KnobChange(old, to.get(name)));
            }
        });
        to.forEach((name, value) -> {
            if (!from.containsKey(name)) {
                changes.put(name, new KnobChange(null, value));
            }
        });
        return changes;
    }
}
