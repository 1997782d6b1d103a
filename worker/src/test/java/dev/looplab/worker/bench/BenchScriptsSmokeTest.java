package dev.looplab.worker.bench;

import dev.looplab.runtime.djl.DjlRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every benchmark script under infra/bench runs a few steps in the build, numbers unchecked, so none of them
 * silently stops working again (issue 13: speed.py had looked for the recipes under infra/ since the scripts
 * moved). Here because the worker's test classpath holds what the scripts need: the DJL runtime and the
 * evaluators. The PyTorch comparisons need Debian's python3-torch; without it they are reported as skipped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BenchScriptsSmokeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path GOLF = ROOT.resolve("infra/bench/golf-mini");
    private static final Path WORK = Path.of("target", "bench-smoke").toAbsolutePath();
    private static final long MINUTES = 5;

    @BeforeAll
    static void workDir() throws IOException {
        Files.createDirectories(WORK);
    }

    @Test
    @Order(2)
    void speedComparesTheRecipeWithThePyTorchPort() throws Exception {
        assumeTorch();
        assertScript(List.of(GOLF.resolve("run.sh").toString(), "speed", "--threads", "1", "--reps", "1",
                "--steps", "3", "--warmup", "1"), "ratio");
    }

    @Test
    @Order(3)
    void phasesFindsItsAnchorsInTheRecipe() throws Exception {
        assumeTorch();
        assertScript(List.of(GOLF.resolve("phases.sh").toString(), "3", "1"), "phase_cpu_ms");
    }

    @Test
    @Order(1)
    void lossTrainsScoresAndPlots() throws Exception {
        // first: it also writes the training split the others read (phases.sh needs it)
        Path svg = WORK.resolve("loss.svg");
        assertScript(List.of(GOLF.resolve("run.sh").toString(), "loss", "--steps", "2", "--budget", "600", "--out",
                svg.toString()), "wrote " + svg);
        assertThat(svg).isNotEmptyFile();
    }

    @Test
    @Order(4)
    void determinismComparesARunWithItsReplay() throws Exception {
        assertScript(List.of(GOLF.resolve("run.sh").toString(), "determinism", "--pairs", "1", "--budget", "20",
                "--steps", "2", "--stressed", "1"), "collector-stressed runs identical");
    }

    @Test
    @Order(5)
    void cpuhogScoresQuietAndBesideAHog() throws Exception {
        assertScript(List.of(GOLF.resolve("run.sh").toString(), "cpuhog", "--runs", "2", "--steps", "2", "--budget",
                "600", "--settle", "0"), "quiet noise floor");
    }

    @Test
    @Order(6)
    void theSearchBenchmarkFindsItsTest() throws Exception {
        // a real --smoke run starts Kafka, Postgres, the platform, a worker and the proposers: minutes, so the
        // build checks the script's arguments and the benchmark test it runs, and prints the command
        assertScript(List.of(ROOT.resolve("infra/bench/search/run.sh").toString(), "--smoke"),
                "-Dit.test=SearchBenchmarkIT");
    }

    private static void assumeTorch() throws Exception {
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import torch")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "Debian's PyTorch is missing (apt-get install -y python3-torch libopenblas0-pthread): "
                        + "the DJL-against-PyTorch scripts cannot run");
    }

    /** Runs a script from the repository root; it must exit 0 within the limit and print {@code expected}. */
    private static void assertScript(List<String> command, String expected) throws Exception {
        Path log = Files.createTempFile(WORK, "script", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment());
        Process process = builder.start();
        boolean ended = process.waitFor(MINUTES, TimeUnit.MINUTES);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        String tail = output.length() > 4000 ? output.substring(output.length() - 4000) : output;
        assertThat(ended).as("%s ran past %d minutes:%n%s", command, MINUTES, tail).isTrue();
        assertThat(process.exitValue()).as("%s failed:%n%s", command, tail).isZero();
        assertThat(output).as("%s printed:%n%s", command, tail).contains(expected);
    }

    private static Map<String, String> environment() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("LOOPLAB_BENCH_DIR", WORK.toString());
        env.put("LOOPLAB_BENCH_DJL_CP", DjlRuntime.classpathString());
        env.put("LOOPLAB_BENCH_EVAL_CP", evaluatorsClasspath());
        env.put("LOOPLAB_BENCH_DRY_RUN", "1");
        // the scripts call java and python3 by name: the JDK running the build comes first
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        return env;
    }

    /** The test classpath holds the evaluators, the trial API and their libraries, as the scripts need. */
    private static String evaluatorsClasspath() {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(":")));
        entries.removeIf(e -> e.contains("surefire"));
        return String.join(":", entries);
    }
}
