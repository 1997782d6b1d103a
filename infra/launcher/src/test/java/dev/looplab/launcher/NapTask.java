package dev.looplab.launcher;

import dev.looplab.lineage.LineageStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A golf-mini stand-in for end-to-end tests about processes rather than training: its "training" naps
 * {@code NAP_S} seconds (no CPU) and writes no model, so the evaluator records a crash; the knob gives proposals
 * something to edit.
 */
final class NapTask {
    static final String TASK = "golf-mini";
    private static final String NAP_LINE = "static final int NAP_S = %d; // @knob surface=schedule range=[1,60]\n";
    private static final int ROOT_NAP_S = 8;

    private NapTask() {
    }

    /** Writes the task into {@code recipes}/golf-mini and returns {@code recipes}, for LOOPLAB_RECIPES_DIR. */
    static Path write(Path recipes) throws IOException {
        Path task = Files.createDirectories(recipes.resolve(TASK));
        Files.writeString(task.resolve("task.yaml"), """
                name: golf-mini
                description: Naps instead of training; a stand-in for golf-mini in process tests.
                runtime: process
                command: [sh, -c, "sleep $(grep -o '[0-9][0-9]*;' Nap.java | tr -d ';')"]
                train_budget_seconds: 30
                eval_budget_seconds: 30
                artifact_cap_bytes: 1000000
                evaluator: golf-mini-bpb
                keep_threshold: 0.01
                surfaces:
                  schedule: [NAP_S]
                evaluator_owned: [task.yaml]
                """);
        Files.writeString(task.resolve("Nap.java"), source(ROOT_NAP_S));
        return recipes;
    }

    /** The diff from the root recipe to one that naps {@code seconds}. */
    static String diff(int seconds) {
        return LineageStore.unifiedDiff("Nap.java", source(ROOT_NAP_S), source(seconds));
    }

    private static String source(int napSeconds) {
        return "class Nap {\n    " + NAP_LINE.formatted(napSeconds) + "}\n";
    }
}
