package dev.looplab.platform.bench;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.MaintenanceResult;
import dev.looplab.lineage.bench.SyntheticLineage;
import dev.looplab.platform.lineage.LineageMaintenanceJob;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3's clone target: {@code git clone} over the platform's smart HTTP endpoint of a 10,000-trial lineage,
 * timed against local clones of the same repository ({@code --no-local}: the same pack protocol over a pipe;
 * default: hard links), first with loose objects as the store records them, then after
 * {@link LineageStore#maintain} packed them. Runs only with {@code -Dbench.git-clone=true} (not {@code looplab.*}: the platform's config
 * mapping refuses unknown keys under its prefix); prints a markdown table and writes it to
 * {@code target/bench/git-clone.md}. Size: {@code -Dbench.trials}, rounds: {@code -Dbench.rounds}.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@EnabledIfSystemProperty(named = "bench.git-clone", matches = "true")
class GitCloneBenchmark {
    static final int TRIALS = Integer.getInteger("bench.trials", 10_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final String TASK = "golf-mini";

    @TestHTTPResource("/git/golf-mini.git")
    URL lineageUrl;
    @Inject
    LineageService lineage;
    @Inject
    Scheduler scheduler;
    @TempDir
    Path tmp;

    @Test
    void givenA10kTrialLineage_whenClonedOverHttpAndLocally_thenBothTimesAreReported() throws Exception {
        // given: the served golf-mini lineage swapped for a generated one, loose objects as the store writes them
        Path served = lineage.repositoryPath(TASK);
        Path generated = served.resolveSibling("bench-" + TRIALS + ".git");
        Path parked = served.resolveSibling(TASK + ".git.parked");
        long start = System.nanoTime();
        SyntheticLineage.generate(generated, TRIALS, 42, 1_000, true);
        double generateSeconds = (System.nanoTime() - start) / 1e9;
        Files.move(served, parked);
        Files.move(generated, served);
        String load = loadAverage();
        List<String> tables = new ArrayList<>();
        scheduler.pause(LineageMaintenanceJob.IDENTITY);
        try {
            // when: cloned as recorded, then again after the maintenance step packed the loose objects
            tables.add(table("as recorded: loose objects", cloneRounds(served)));
            MaintenanceResult packed;
            try (LineageStore store = LineageStore.open(served)) {
                packed = store.maintain();
            }
            tables.add(table("after LineageStore.maintain (" + packed.describe() + ")", cloneRounds(served)));
        } finally {
            Files.move(served, generated);
            Files.move(parked, served);
            scheduler.resume(LineageMaintenanceJob.IDENTITY);
        }
        report(generateSeconds, tables, load);
    }

    private record Clones(Map<String, double[]> times, Map<String, Long> sizes) {
    }

    private Clones cloneRounds(Path served) throws Exception {
        Map<String, List<String>> clones = new LinkedHashMap<>();
        clones.put("git clone over HTTP (platform /git/golf-mini.git)", List.of(lineageUrl.toString()));
        clones.put("git clone --no-local of the repository folder", List.of("--no-local", served.toString()));
        clones.put("git clone of the repository folder (default: hard links)", List.of(served.toString()));
        Map<String, double[]> times = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        // each kind cloned ROUNDS times, interleaved so load changes hit all kinds alike
        clones.keySet().forEach(kind -> times.put(kind, new double[ROUNDS]));
        for (int round = 0; round < ROUNDS; round++) {
            int n = 0;
            for (var clone : clones.entrySet()) {
                Path into = Files.createTempDirectory(tmp, "clone-" + round + "-" + n++).resolve("clone");
                List<String> args = new ArrayList<>(List.of("clone", "-q"));
                args.addAll(clone.getValue());
                args.add(into.toString());
                long cloneStart = System.nanoTime();
                String output = git(tmp, args);
                times.get(clone.getKey())[round] = (System.nanoTime() - cloneStart) / 1e9;
                // then: every trial arrived as a branch
                assertThat(git(into, List.of("for-each-ref", "--count=" + (TRIALS + 10), "--format=x",
                        "refs/remotes/origin/trial/")).lines().count()).as(output).isEqualTo(TRIALS + 1);
                sizes.put(clone.getKey(), folderBytes(into.resolve(".git/objects")));
            }
        }
        return new Clones(times, sizes);
    }

    private static String table(String title, Clones clones) {
        List<String> rows = new ArrayList<>();
        double http = median(clones.times().values().iterator().next());
        clones.times().forEach((kind, seconds) -> rows.add(String.format(Locale.ROOT,
                "| %s | %.2f s (min %.2f, max %.2f) | %.2f | %.1f MB |", kind, median(seconds),
                Arrays.stream(seconds).min().orElseThrow(), Arrays.stream(seconds).max().orElseThrow(),
                median(seconds) / http, clones.sizes().get(kind) / 1e6)));
        return title + "\n\n| clone | time | relative to HTTP | objects in the clone |\n|---|---|---|---|\n"
                + String.join("\n", rows) + "\n";
    }

    private void report(double generateSeconds, List<String> tables, String load) throws IOException {
        String table = "Git clone benchmark, " + LocalDate.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load average at start " + load + ", at end " + loadAverage() + "; lineage of "
                + TRIALS + " trials plus root, generated in " + String.format(Locale.ROOT, "%.1f s", generateSeconds)
                + "; median of " + ROUNDS + " rounds\n\n" + String.join("\n", tables);
        System.out.println(table);
        Path out = Path.of("target", "bench", "git-clone.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String git(Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        // never prompt for credentials or read the developer's global git config
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(600, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("git " + String.join(" ", args) + " did not finish: " + output);
        }
        assertThat(process.exitValue()).as("git %s: %s", String.join(" ", args), output).isZero();
        return output;
    }
}
