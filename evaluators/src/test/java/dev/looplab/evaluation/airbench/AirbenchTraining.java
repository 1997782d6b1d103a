package dev.looplab.evaluation.airbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.golf.GolfMiniEvaluator;
import dev.looplab.runtime.djl.DjlRuntime;

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
        Path out = Files.createDirectories(work.resolve("out"));
        Path log = out.resolve(AirbenchMiniEvaluator.TRAIN_LOG);
        List<String> argv = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(DjlRuntime.JVM_OPTIONS);
        argv.addAll(List.of("-cp", DjlRuntime.classpathString(), "Recipe.java", "train"));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(recipeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("LOOPLAB_DATA", data.toString());
        builder.environment().put("LOOPLAB_OUT", out.toString());
        builder.environment().put("LOOPLAB_METRICS", work.resolve("metrics.jsonl").toString());
        builder.environment().put("LOOPLAB_BUDGET_S", Integer.toString(budgetSeconds));
        builder.environment().put("LOOPLAB_SEED", Long.toString(seed));
        builder.environment().put("LOOPLAB_THREADS", "1");
        builder.environment().put(AirbenchMiniEvaluator.RUNS_ENV, Integer.toString(runs));
        builder.environment().putAll(DjlRuntime.REPRODUCIBLE_NUMERICS);
        builder.environment().putAll(extraEnv);
        long started = System.nanoTime();
        Process process = builder.start();
        // the harness's own kill line, like the worker's budget plus grace
        boolean finished = process.waitFor(budgetSeconds + 30L, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "trained %s (seed %d, %d runs) in %.1f s:%n%s%n", recipeDir, seed,
                runs, seconds, GolfMiniEvaluator.lastLines(Files.readString(log), 4));
        return new EvaluationRequest(recipeDir, out, Files.createDirectories(work.resolve("scratch")),
                finished ? process.exitValue() : -1, !finished, seconds, seed);
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
