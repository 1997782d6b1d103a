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
     * Like {@link #writeScored(Path)}, for a short campaign driven by the real proposer: {@code Nap.java} is the
     * task's entry (the proposer drives no task without one) and holds three knobs of 1 to 3 s, each at 2, whose
     * sum is the nap, so the schedule specialist has six one-step edits to try from the root (with every score
     * 0.0 there is never a new best to move from).
     */
    static Path writeForProposer(Path recipes) throws IOException {
        write(recipes, "exit-code");
        Path task = recipes.resolve(TASK);
        Files.writeString(task.resolve("Nap.java"), "class Nap {\n"
                + "    static final int NAP_S = 2; // @knob surface=schedule range=[1,3]\n"
                + "    static final int WARMUP_S = 2; // @knob surface=schedule range=[1,3]\n"
                + "    static final int COOLDOWN_S = 2; // @knob surface=schedule range=[1,3]\n"
                + "}\n");
        Path yaml = task.resolve("task.yaml");
        Files.writeString(yaml, Files.readString(yaml)
                .replace("runtime: process\n", "runtime: process\nentry: Nap.java\n")
                .replace("schedule: [NAP_S]", "schedule: [NAP_S, WARMUP_S, COOLDOWN_S]"));
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
        return "class Nap {\n    " + NAP_LINE.formatted(napSeconds) + "}\n";
    }
}
