package dev.looplab.evaluation.golf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.RecipeTrainingRun;

/** Test helper: runs a recipe's train mode as the worker does, in a child JVM. */
final class RecipeTraining {
    private RecipeTraining() {
    }

    /**
     * Trains the recipe in {@code recipeDir} on {@code data}; {@code steps} > 0 fixes the step count
     * (LOOPLAB_STEPS) so that runs are bit-reproducible.
     */
    static EvaluationRequest train(Path recipeDir, Path data, Path work, double budgetSeconds, long seed, int steps)
            throws IOException, InterruptedException {
        return train(recipeDir, data, work, budgetSeconds, seed, steps, java.util.Map.of());
    }

    /** As above, with more environment (for example LOOPLAB_STOP_STEP). */
    static EvaluationRequest train(Path recipeDir, Path data, Path work, double budgetSeconds, long seed, int steps,
                                   java.util.Map<String, String> extraEnv) throws IOException, InterruptedException {
        java.util.Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("LOOPLAB_DATA", data.toString());
        if (steps > 0) {
            env.putIfAbsent("LOOPLAB_STEPS", Integer.toString(steps));
        }
        Path log = Files.createDirectories(work.resolve("out")).resolve(GolfMiniEvaluator.TRAIN_LOG);
        // the harness's own kill line: a recipe that ignores its budget is stopped at twice the budget
        return RecipeTrainingRun.train(recipeDir, work, log, env, budgetSeconds, (long) (budgetSeconds * 2 + 30), seed);
    }

    /** The last value the recipe wrote for metric {@code name} into {@code work/metrics.jsonl}, or -1. */
    static double lastMetric(Path work, String name) throws IOException {
        double value = -1;
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(
                "\"name\":\"" + name + "\",\"value\":([-0-9.eE+]+)");
        for (String line : Files.readAllLines(work.resolve("metrics.jsonl"))) {
            java.util.regex.Matcher m = p.matcher(line);
            if (m.find()) {
                value = Double.parseDouble(m.group(1));
            }
        }
        return value;
    }

    /** A copy of the built-in golf-mini recipe folder, optionally with one source edit. */
    static Path copyRecipe(Path target, String find, String replace) throws IOException {
        Path source = Path.of(System.getProperty("looplab.recipes.dir", "../recipes")).resolve("golf-mini");
        Files.createDirectories(target);
        for (String name : List.of("Recipe.java", "task.yaml")) {
            String text = Files.readString(source.resolve(name));
            if (find != null && name.equals("Recipe.java")) {
                if (!text.contains(find)) {
                    throw new IllegalStateException("Recipe.java no longer contains '" + find + "': update the test");
                }
                text = text.replace(find, replace);
            }
            Files.writeString(target.resolve(name), text);
        }
        return target;
    }
}
