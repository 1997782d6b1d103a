package dev.looplab.worker.sandbox;

import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.airbench.AirbenchMiniEvaluator;
import dev.looplab.evaluation.airbench.FashionMnist;
import dev.looplab.evaluation.golf.GolfMiniData;
import dev.looplab.evaluation.golf.GolfMiniEvaluator;
import dev.looplab.evaluation.task.TaskDefinition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The test slice is held out like the validation slice: a recipe in the worker's sandbox, hiding what the task's
 * evaluator names as held out, finds no line of it anywhere it can read, training data included; the same search
 * unconfined finds it, so the test can fail.
 */
class TestSliceSandboxTest {
    private static final Path RECIPES = Path.of("..", "recipes").toAbsolutePath().normalize();
    private static final SandboxLimits LIMITS = new SandboxLimits(512, 64, 64);

    @TempDir
    Path dir;

    private Path recipe;
    private Path out;
    private Path data;

    @BeforeEach
    void workDir() throws IOException {
        assumeThat(Files.isExecutable(Bubblewrap.DEFAULT_BINARY)).as("bubblewrap installed").isTrue();
        recipe = Files.createDirectories(dir.resolve("recipe"));
        out = Files.createDirectories(dir.resolve("out"));
        data = Files.createDirectories(dir.resolve("data"));
        // searches every readable place for the needle; prints FOUND <file> per hit
        Files.writeString(recipe.resolve("search.sh"), """
                for place in /usr/share/games/fortunes /usr/share/datasets "$LOOPLAB_DATA_DIR" "$HOME" /tmp; do
                  grep -rlF -e "$NEEDLE" "$place" 2>/dev/null | sed 's/^/FOUND /'
                done
                for f in "$HELD_OUT_FILE"; do
                  if cat "$f" > /dev/null 2>&1; then echo "READ $f"; else echo "cannot read $f"; fi
                done
                echo searched
                """);
    }

    @Test
    void aGolfMiniRecipeInTheSandboxFindsNoLineOfTheTestSliceButUnconfinedItDoes() throws Exception {
        // given golf-mini's evaluator, its training data prepared as a worker prepares it, and a line that only the
        // test slice holds
        GolfMiniEvaluator evaluator = new GolfMiniEvaluator(TaskDefinition.load(RECIPES.resolve("golf-mini")));
        Evaluator.TrainingData training = evaluator.prepareTrainingData(data);
        String needle = lineOnlyInTheTestSlice(evaluator.data());
        Map<String, String> env = Map.of("NEEDLE", needle, "HELD_OUT_FILE", "/usr/share/games/fortunes/fortunes");

        // when a recipe searches for it in the worker's sandbox, hiding the evaluator's held-out paths
        String confined = search(new Bubblewrap(Bubblewrap.DEFAULT_BINARY, LIMITS, RecipeRuntime.readOnlyPaths(List.of()),
                List.of()).hiding(evaluator.heldOutPaths()), env);
        // and the same search unconfined
        String unconfined = search(new Unconfined(LIMITS), env);

        // then confined it finds nothing and reads no fortune; unconfined the fortunes hold the line
        assertThat(confined).contains("searched").doesNotContain("FOUND").contains("cannot read");
        assertThat(unconfined).contains("FOUND /usr/share/games/fortunes/");
        // and the training file it was handed never held the line
        assertThat(unconfined).doesNotContain("FOUND " + training.path());
        assertThat(Files.readString(training.path(), StandardCharsets.ISO_8859_1)).doesNotContain(needle);
    }

    @Test
    void anAirbenchMiniRecipeInTheSandboxCannotReadTheTestImages() throws Exception {
        // given airbench-mini's evaluator, whose test part is held back from the t10k images
        assumeThat(Files.isDirectory(FashionMnist.DEBIAN_DIR)).as("dataset-fashion-mnist installed").isTrue();
        AirbenchMiniEvaluator evaluator = new AirbenchMiniEvaluator(TaskDefinition.load(RECIPES.resolve("airbench-mini")));
        Path t10k = FashionMnist.DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz");
        Map<String, String> env = Map.of("NEEDLE", "never-matches-" + System.nanoTime(), "HELD_OUT_FILE", t10k.toString());

        // when a recipe tries to read the t10k images confined and unconfined
        String confined = search(new Bubblewrap(Bubblewrap.DEFAULT_BINARY, LIMITS, RecipeRuntime.readOnlyPaths(List.of()),
                List.of()).hiding(evaluator.heldOutPaths()), env);
        String unconfined = search(new Unconfined(LIMITS), env);

        // then only the unconfined one reads them
        assertThat(confined).contains("cannot read " + t10k).doesNotContain("READ ");
        assertThat(unconfined).contains("READ " + t10k);
    }

    /** A printable line of a complete test-slice record that neither training nor the validation slice holds. */
    private static String lineOnlyInTheTestSlice(GolfMiniData split) {
        String train = new String(split.train(), StandardCharsets.ISO_8859_1);
        String validation = new String(split.heldOut(), StandardCharsets.ISO_8859_1);
        String test = new String(split.test(), StandardCharsets.ISO_8859_1);
        // the last record is cut short, so only lines before the last separator count
        String complete = test.substring(0, test.lastIndexOf("\n%\n"));
        return Arrays.stream(complete.split("\n"))
                .map(String::strip)
                .filter(l -> l.length() >= 40 && l.chars().allMatch(c -> c >= 32 && c < 127))
                .filter(l -> !train.contains(l) && !validation.contains(l))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line of the test slice is unique to it"));
    }

    private String search(TrialSandbox sandbox, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("PATH", "/usr/bin:/bin");
        env.put("LOOPLAB_DATA_DIR", data.toString());
        env.put("LOOPLAB_OUT", out.toString());
        Path log = out.resolve("search-" + System.nanoTime() + ".log");
        List<String> wrapped = sandbox.wrap(List.of("sh", "search.sh"), recipe, List.of(recipe, data), List.of(out));
        TrainingResult result = TrainingProcess.run(new TrainingCommand(wrapped, recipe, env, log,
                Duration.ofSeconds(120), Duration.ofSeconds(1), sandbox.limits()));
        String text = Files.readString(log);
        assertThat(result.exitCode()).as(text).isZero();
        return text;
    }
}
