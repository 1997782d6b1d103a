package dev.looplab.proposer.platform;

import java.util.List;
import java.util.Map;

/**
 * A task as the platform serves it ({@code GET /api/tasks/{name}}): the recipe's entry file, each surface's knobs
 * or files, the budgets, the artifact cap, the keep threshold and the direction of its score once known.
 */
public record TaskView(String name, String description, String runtime, String entry, int trainBudgetSeconds,
                       int evalBudgetSeconds, long artifactCapBytes, double keepThreshold, double gateAccuracy,
                       int runs, Map<String, List<String>> surfaces, List<String> evaluatorOwned, String direction) {

    public TaskView {
        surfaces = surfaces == null ? Map.of() : surfaces;
        evaluatorOwned = evaluatorOwned == null ? List.of() : evaluatorOwned;
    }

    /** The knobs (or files) one surface may edit; empty for an unknown surface. */
    public List<String> surface(String name) {
        return surfaces.getOrDefault(name, List.of());
    }
}
