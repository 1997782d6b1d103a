package dev.looplab.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.looplab.runtime.djl.DjlRuntime;

/**
 * Test helper shared by the recipe tests: runs {@code Recipe.java train} in a child JVM the way the worker
 * does (the runtime's JVM options and classpath, one thread, reproducible numerics), output to {@code log}.
 */
public final class RecipeTrainingRun {
    private RecipeTrainingRun() {
    }

    /**
     * Trains the recipe in {@code recipeDir} with {@code env} added to the worker's environment; a run past
     * {@code killAfterSeconds} is killed (the harness's own kill line). The request points at {@code work/out}.
     */
    public static EvaluationRequest train(Path recipeDir, Path work, Path log, Map<String, String> env,
                                          double budgetSeconds, long killAfterSeconds, long seed)
            throws IOException, InterruptedException {
        Path out = Files.createDirectories(work.resolve("out"));
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(DjlRuntime.JVM_OPTIONS);
        argv.addAll(List.of("-cp", DjlRuntime.classpathString(), "Recipe.java", "train"));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(recipeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("LOOPLAB_OUT", out.toString());
        builder.environment().put("LOOPLAB_METRICS", work.resolve("metrics.jsonl").toString());
        builder.environment().put("LOOPLAB_BUDGET_S", Double.toString(budgetSeconds));
        builder.environment().put("LOOPLAB_SEED", Long.toString(seed));
        builder.environment().put("LOOPLAB_THREADS", "1");
        builder.environment().putAll(DjlRuntime.ENVIRONMENT);
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process = builder.start();
        boolean finished = process.waitFor(killAfterSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "trained %s (seed %d) in %.1f s:%n%s%n", recipeDir, seed, seconds,
                dev.looplab.evaluation.golf.GolfMiniEvaluator.lastLines(Files.readString(log), 6));
        return new EvaluationRequest(recipeDir, out, Files.createDirectories(work.resolve("scratch")),
                finished ? process.exitValue() : -1, !finished, seconds, seed);
    }
}
