package dev.looplab.evaluation.golf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.runtime.djl.DjlRuntime;

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
        Path out = Files.createDirectories(work.resolve("out"));
        Path log = out.resolve(GolfMiniEvaluator.TRAIN_LOG);
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
        builder.environment().put("LOOPLAB_BUDGET_S", Double.toString(budgetSeconds));
        builder.environment().put("LOOPLAB_SEED", Long.toString(seed));
        builder.environment().put("LOOPLAB_THREADS", "1");
        builder.environment().putAll(GolfMiniEvaluator.REPRODUCIBLE_NUMERICS);
        if (steps > 0) {
            builder.environment().put("LOOPLAB_STEPS", Integer.toString(steps));
        }
        builder.environment().putAll(extraEnv);
        long started = System.nanoTime();
        Process process = builder.start();
        // the harness's own kill line: a recipe that ignores its budget is stopped at twice the budget
        boolean finished = process.waitFor((long) (budgetSeconds * 2 + 30), TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.println("trained " + recipeDir + " (seed " + seed + ") in " + String.format("%.1f", seconds)
                + " s:\n" + GolfMiniEvaluator.lastLines(Files.readString(log), 6));
        return new EvaluationRequest(recipeDir, out, Files.createDirectories(work.resolve("scratch")),
                finished ? process.exitValue() : -1, !finished, seconds, seed);
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
