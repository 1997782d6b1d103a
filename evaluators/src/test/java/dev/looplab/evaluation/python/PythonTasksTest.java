package dev.looplab.evaluation.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.looplab.evaluation.task.TaskCatalog;
import dev.looplab.evaluation.task.TaskDefinition;

/**
 * The Python/PyTorch tasks (parameter-golf, nanochat-d12, airbench96): their recipes and trusted scoring code
 * ({@code src/main/python/looplab_eval}) are tested by Python's unittest under {@code src/test/python}, run here
 * with Debian's python3 and torch on CPU; and their task.yaml files load and name the recipes' knobs.
 */
class PythonTasksTest {
    static final Path PYTHON = Path.of(System.getProperty("looplab.python", "/usr/bin/python3"));
    static final Path RECIPES = Path.of(System.getProperty("looplab.recipes.dir", "../recipes"));
    static final List<String> TASKS = List.of("parameter-golf", "nanochat-d12", "airbench96");
    static final long TIMEOUT_MINUTES = 10;
    /** A Python recipe's knob line: {@code NAME = literal  # @knob surface=S range=[lo,hi]} or {@code range={a,b}}. */
    static final Pattern KNOB = Pattern.compile(
            "^([A-Z][A-Z0-9_]*) = (.+?)  # @knob surface=(\\S+) range=(\\[[^\\]]*\\]|\\{[^}]*\\})$", Pattern.MULTILINE);

    @Test
    void thePythonTasksPassTheirTestsOnCpu() throws Exception {
        // given python3 with torch (Debian's python3-torch)
        requireTorch();
        Path log = Files.createDirectories(Path.of("target")).resolve("python-unittest.log");
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), "-m", "unittest", "discover", "-s",
                "src/test/python", "-p", "test_*.py", "-v")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PYTHONPATH", Path.of("src", "main", "python").toAbsolutePath().toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        builder.environment().put("OMP_NUM_THREADS", "1");
        // when unittest discovers and runs them
        Process process = builder.start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(tail(output, 40));
        // then every test passed
        assertThat(finished).as("python tests still running after %d minutes; log %s:%n%s", TIMEOUT_MINUTES,
                log.toAbsolutePath(), tail(output, 60)).isTrue();
        assertThat(process.exitValue()).as("python tests failed; log %s:%n%s", log.toAbsolutePath(), tail(output, 80))
                .isZero();
        assertThat(output).contains("OK").doesNotContain("skipped=");
    }

    @Test
    void eachPythonTaskLoadsAndItsSurfacesNameTheRecipesTaggedKnobs() throws IOException {
        // given the checkout's recipes folder, when scanned, then the Python tasks load beside the DJL ones
        assertThat(TaskCatalog.scan(RECIPES).names()).containsAll(TASKS).contains("golf-mini", "airbench-mini");
        for (String name : TASKS) {
            TaskDefinition task = TaskDefinition.load(RECIPES.resolve(name));
            assertThat(task.runtime()).isEqualTo(TaskDefinition.Runtime.process);
            assertThat(task.command()).containsExactly("python3", task.entry());
            // and every knob a surface lists is tagged with that surface in the recipe, and no tagged knob is unlisted
            String source = Files.readString(task.entryIn(task.taskDir()), StandardCharsets.UTF_8);
            Map<String, String> tagged = new LinkedHashMap<>();
            Matcher m = KNOB.matcher(source);
            while (m.find()) {
                tagged.put(m.group(1), m.group(3));
            }
            Map<String, String> listed = new LinkedHashMap<>();
            task.surfaces().forEach((surface, knobs) -> knobs.forEach(knob -> listed.put(knob, surface)));
            assertThat(tagged).as("knobs of %s", task.entryIn(task.taskDir())).isEqualTo(listed);
            assertThat(source.split("@knob", -1).length - 1).as("every @knob line of %s parses", name)
                    .isEqualTo(tagged.size());
        }
    }

    private static void requireTorch() throws InterruptedException {
        String fix = "install Debian's python3-torch (sudo apt-get install python3-torch; .ci/run does it)";
        Process probe;
        try {
            probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch; print(torch.__version__)")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(PYTHON + " cannot be started (" + e.getMessage() + "): the Python tasks' tests need python3 with "
                    + "torch; " + fix);
            return;
        }
        String out;
        try {
            out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out = e.getMessage();
        }
        if (!probe.waitFor(2, TimeUnit.MINUTES) || probe.exitValue() != 0) {
            fail(PYTHON + " cannot import torch: " + tail(out, 3) + "; " + fix);
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
