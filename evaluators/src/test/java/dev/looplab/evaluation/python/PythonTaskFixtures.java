package dev.looplab.evaluation.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.ProcessSandbox;

/**
 * What the Python tasks' Java tests share: Debian's python3 with torch, synthetic data in the real formats
 * written by {@code looplab_eval.synthetic}, a recipe shrunk through its knob lines, and training it the way the
 * worker runs a {@code runtime: process} recipe (on CPU, one thread, output to {@code out/train.log}).
 */
final class PythonTaskFixtures {
    static final Path PYTHON = Path.of(System.getProperty("looplab.python", "/usr/bin/python3"));
    static final Path RECIPES = Path.of(System.getProperty("looplab.recipes.dir", "../recipes"));

    /** parameter-golf shrunk to a few thousand parameters (as its Python tests shrink it). */
    static final Map<String, String> TINY_GOLF = Map.ofEntries(Map.entry("MODEL_DIM", "32"),
            Map.entry("NUM_HEADS", "2"), Map.entry("NUM_KV_HEADS", "1"), Map.entry("PRELUDE_LAYERS", "1"),
            Map.entry("CORE_LAYERS", "1"), Map.entry("CODA_LAYERS", "1"), Map.entry("MEAN_LOOPS", "2"),
            Map.entry("BATCH_TOKENS", "256"), Map.entry("SEQ_LEN", "32"), Map.entry("GRAD_ACCUM", "2"),
            Map.entry("WARMUP_STEPS", "2"));
    static final Map<String, String> TINY_NANOCHAT = Map.ofEntries(Map.entry("MODEL_DIM", "32"),
            Map.entry("NUM_HEADS", "2"), Map.entry("NUM_KV_HEADS", "2"), Map.entry("MLP_MULT", "2"),
            Map.entry("PRELUDE_LAYERS", "1"), Map.entry("CORE_LAYERS", "1"), Map.entry("CODA_LAYERS", "1"),
            Map.entry("MEAN_LOOPS", "2"), Map.entry("BATCH_TOKENS", "512"), Map.entry("SEQ_LEN", "64"),
            Map.entry("GRAD_ACCUM", "2"), Map.entry("WARMUP_STEPS", "2"));
    static final Map<String, String> TINY_AIRBENCH = Map.of("WIDTH1", "8", "WIDTH2", "16", "WIDTH3", "16",
            "CONVS_PER_BLOCK", "1", "BATCH", "40", "LR", "0.2", "CUTOUT", "4", "TTA_LEVEL", "2");

    private PythonTaskFixtures() {
    }

    /** Runs {@code python3 -m looplab_eval.synthetic <args>} and returns its JSON line. */
    static String synthetic(LooplabEvalPackage pkg, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(), "-m", "looplab_eval.synthetic"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", pkg.pythonPath().toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    /** {@code source} with each named knob's literal replaced, as a specialist's edit would, tags kept. */
    static String withKnobs(String source, Map<String, String> values) {
        String result = source;
        for (Map.Entry<String, String> knob : values.entrySet()) {
            Matcher m = Pattern.compile("^(" + Pattern.quote(knob.getKey()) + " = )(.+?)(  # @knob .*)$",
                    Pattern.MULTILINE).matcher(result);
            assertThat(m.find()).as("knob %s", knob.getKey()).isTrue();
            result = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + knob.getValue() + m.group(3)));
        }
        return result;
    }

    /** The task's recipe folder copied to {@code dir} with its entry shrunk by {@code knobs}. */
    static Path shrunkRecipe(String task, String entry, Map<String, String> knobs, Path dir) throws IOException {
        Files.createDirectories(dir);
        String source = Files.readString(RECIPES.resolve(task).resolve(entry), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(entry), withKnobs(source, knobs), StandardCharsets.UTF_8);
        return dir;
    }

    /**
     * Trains {@code python3 <entry>} in {@code recipe} on {@code data} as the worker would (minimal environment,
     * LOOPLAB_* variables, CPU, one thread, stdout and stderr to {@code work/out/train.log}); the request points
     * at {@code work/out}, with {@code sandbox} for scoring.
     */
    static EvaluationRequest train(Path recipe, String entry, Path data, Path work, Map<String, String> env,
                                   ProcessSandbox sandbox, int budgetSeconds) throws IOException, InterruptedException {
        Path out = Files.createDirectories(work.resolve("out"));
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), entry).directory(recipe.toFile())
                .redirectErrorStream(true).redirectOutput(out.resolve("train.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", "/usr/bin:/bin");
        environment.putAll(Map.of("LOOPLAB_DATA", data.toString(), "LOOPLAB_OUT", out.toString(),
                "LOOPLAB_METRICS", work.resolve("metrics.jsonl").toString(),
                "LOOPLAB_BUDGET_S", Integer.toString(budgetSeconds), "LOOPLAB_SEED", "7", "LOOPLAB_THREADS", "1",
                "LOOPLAB_DEVICE", "cpu", "PYTHONDONTWRITEBYTECODE", "1", "OMP_NUM_THREADS", "1"));
        environment.putAll(new HashMap<>(env));
        long started = System.nanoTime();
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "trained %s in %.1f s%n", recipe, seconds);
        return new EvaluationRequest(recipe, out, Files.createDirectories(work.resolve("scratch")),
                finished ? process.exitValue() : -1, !finished, seconds, 7, sandbox, budgetSeconds);
    }

    /** The names of the files in {@code dir}, recursively, relative to it. */
    static List<String> fileNames(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
