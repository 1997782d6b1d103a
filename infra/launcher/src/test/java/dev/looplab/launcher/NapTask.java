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
    private static final String NAP_LINE = "static final int NAP_S = %d; // @knob surface=schedule range=[1,%d]\n";
    private static final int MAX_NAP_S = 60;
    private static final int ROOT_NAP_S = 8;

    private NapTask() {
    }

    /** Writes the task into {@code recipes}/golf-mini and returns {@code recipes}, for LOOPLAB_RECIPES_DIR. */
    static Path write(Path recipes) throws IOException {
        return write(recipes, "golf-mini-bpb");
    }

    /**
     * Like {@link #write(Path)}, but judged by the exit-code evaluator: a nap that ends scores 0.0, so trials are
     * kept or discarded like real ones (for tests about outcomes, not only processes).
     */
    static Path writeScored(Path recipes) throws IOException {
        return write(recipes, "exit-code");
    }

    /**
     * Like {@link #writeScored(Path)}, with a root that naps {@code rootNapSeconds} and a knob a proposer may move
     * only up to {@code maxNapSeconds}, for a short campaign driven by the real proposer.
     */
    static Path writeScored(Path recipes, int rootNapSeconds, int maxNapSeconds) throws IOException {
        write(recipes, "exit-code");
        Path task = recipes.resolve(TASK);
        Files.writeString(task.resolve("Nap.java"), source(rootNapSeconds, maxNapSeconds));
        // the proposer reads a task's knobs from its entry file, and drives no task without one
        Path yaml = task.resolve("task.yaml");
        Files.writeString(yaml, Files.readString(yaml).replace("runtime: process\n", "runtime: process\nentry: Nap.java\n"));
        return recipes;
    }

    private static Path write(Path recipes, String evaluator) throws IOException {
        Path task = Files.createDirectories(recipes.resolve(TASK));
        Files.writeString(task.resolve("task.yaml"), """
                name: golf-mini
                description: Naps instead of training; a stand-in for golf-mini in process tests.
                runtime: process
                command: [sh, -c, "sleep $(grep -o '[0-9][0-9]*;' Nap.java | tr -d ';')"]
                train_budget_seconds: 30
                eval_budget_seconds: 30
                artifact_cap_bytes: 1000000
                evaluator: %s
                keep_threshold: 0.01
                surfaces:
                  schedule: [NAP_S]
                evaluator_owned: [task.yaml]
                """.formatted(evaluator));
        Files.writeString(task.resolve("Nap.java"), source(ROOT_NAP_S));
        return recipes;
    }

    /** The diff from the root recipe to one that naps {@code seconds}. */
    static String diff(int seconds) {
        return LineageStore.unifiedDiff("Nap.java", source(ROOT_NAP_S), source(seconds));
    }

    private static String source(int napSeconds) {
        return source(napSeconds, MAX_NAP_S);
    }

    private static String source(int napSeconds, int maxNapSeconds) {
        return "class Nap {\n    " + NAP_LINE.formatted(napSeconds, maxNapSeconds) + "}\n";
    }
}
