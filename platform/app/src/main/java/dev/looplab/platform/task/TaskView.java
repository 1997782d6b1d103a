package dev.looplab.platform.task;

import java.util.List;
import java.util.Map;

/**
 * A task as a proposer needs it: its recipe's entry file, the surfaces and the knobs or files each may edit, the
 * budgets (the training budget its trials really run under, and the task's own), the artifact cap, the keep
 * threshold and gate, and the direction of its score once the baseline has one.
 */
public record TaskView(String name, String description, String runtime, String entry, List<String> command,
                       int trainBudgetSeconds, int taskTrainBudgetSeconds, int evalBudgetSeconds,
                       long artifactCapBytes, double keepThreshold, double gateAccuracy, int runs,
                       Map<String, List<String>> surfaces, List<String> evaluatorOwned, String direction) {
}
