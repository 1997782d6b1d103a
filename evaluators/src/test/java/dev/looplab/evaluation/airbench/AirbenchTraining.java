package dev.looplab.evaluation.airbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.RecipeTrainingRun;

/** Test helper: runs the airbench-mini recipe's train mode as the worker does, in a child JVM. */
final class AirbenchTraining {
    static final Path RECIPES = Path.of(System.getProperty("looplab.recipes.dir", "../recipes"));

    private AirbenchTraining() {
    }

    /** Trains {@code runs} models of the recipe in {@code recipeDir} on {@code data}, with the worker's environment. */
    static EvaluationRequest train(Path recipeDir, Path data, Path work, int budgetSeconds, long seed, int runs)
            throws IOException, InterruptedException {
        return train(recipeDir, data, work, budgetSeconds, seed, runs, java.util.Map.of());
    }

    /** As above, with more environment (for example JDK_JAVA_OPTIONS). */
    static EvaluationRequest train(Path recipeDir, Path data, Path work, int budgetSeconds, long seed, int runs,
                                   java.util.Map<String, String> extraEnv) throws IOException, InterruptedException {
        java.util.Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("LOOPLAB_DATA", data.toString());
        env.put(AirbenchMiniEvaluator.RUNS_ENV, Integer.toString(runs));
        Path log = Files.createDirectories(work.resolve("out")).resolve(AirbenchMiniEvaluator.TRAIN_LOG);
        // the harness's own kill line, like the worker's budget plus grace
        return RecipeTrainingRun.train(recipeDir, work, log, env, budgetSeconds, budgetSeconds + 30L, seed);
    }

    /** A copy of the built-in airbench-mini recipe folder, with optional source edits (find, replace, ...). */
    static Path copyRecipe(Path target, String... edits) throws IOException {
        Path source = RECIPES.resolve(AirbenchMiniEvaluator.TASK);
        Files.createDirectories(target);
        for (String name : List.of("Recipe.java", "task.yaml")) {
            String text = Files.readString(source.resolve(name));
            if (name.equals("Recipe.java")) {
                for (int i = 0; i + 1 < edits.length; i += 2) {
                    if (!text.contains(edits[i])) {
                        throw new IllegalStateException("Recipe.java no longer contains '" + edits[i] + "': update the test");
                    }
                    text = text.replace(edits[i], edits[i + 1]);
                }
            }
            Files.writeString(target.resolve(name), text);
        }
        return target;
    }
}
