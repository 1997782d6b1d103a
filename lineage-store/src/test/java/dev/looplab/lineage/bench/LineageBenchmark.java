package dev.looplab.lineage.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialRecording;
import dev.looplab.lineage.TrialSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's lineage speed targets on a generated 100,000-trial lineage: recording rate through
 * {@link LineageStore#recordTrial} and {@link LineageStore#recordTrials} (groups of 10 and 50) against a raw
 * {@code git commit} loop in the same run, and read times of the root-to-best chain and a 1,000-node subtree. Runs only with {@code -Dlooplab.bench=true}; prints a markdown
 * table and writes it to {@code target/bench/lineage.md}. Sizes: {@code -Dlooplab.bench.trials},
 * {@code -Dlooplab.bench.record}.
 */
@EnabledIfSystemProperty(named = "looplab.bench", matches = "true")
class LineageBenchmark {

    static final int TRIALS = Integer.getInteger("looplab.bench.trials", 100_000);
    static final int RECORD = Integer.getInteger("looplab.bench.record", 2_000);
    static final int GIT_LOOP = Integer.getInteger("looplab.bench.git", 200);
    static final int SUBTREE = 1_000;
    static final int READ_REPEATS = 20;

    @TempDir
    Path temp;

    SyntheticLineage.Generated lineage;
    final List<String> rows = new ArrayList<>();
    String loadAtStart;

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void generate() {
        loadAtStart = loadAverage();
        long start = System.nanoTime();
        lineage = SyntheticLineage.generate(temp.resolve("lineage.git"), TRIALS, 42, SUBTREE);
        row("generate %,d trials with notes (bulk pack inserter, one packed-refs)", TRIALS, millis(start));
    }

    @Test
    void recordingAndReading() throws Exception {
        generate();
        double[] storeRates = recordThroughTheStore();
        double gitRate = gitCommitLoop();
        row("ratio recordTrial / git commit+update-ref loop (wall)", "%.2f", storeRates[0] / gitRate);
        row("ratio recordTrials in groups of 50 / git loop (wall)", "%.2f", storeRates[2] / gitRate);
        reads();
        write();
    }

    private List<TrialSpec> specs(int count) {
        Random random = new Random(7);
        List<TrialSpec> specs = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int parent = random.nextBoolean() ? lineage.best() : 1 + random.nextInt(TRIALS);
            String before = lineage.recipeOf(parent);
            int[] knobs = lineage.knobs()[parent].clone();
            int knob = random.nextInt(knobs.length);
            knobs[knob] = knobs[knob] == 1000 ? 1 : knobs[knob] + 1;
            specs.add(new TrialSpec("r" + n, SyntheticLineage.Generated.id(parent), SyntheticLineage.CAMPAIGN,
                    "optimizer", "optimizer", "Nudge KNOB_" + (knob + 1),
                    LineageStore.unifiedDiff(SyntheticLineage.RECIPE, before, SyntheticLineage.recipeText(knobs))));
        }
        return specs;
    }

    /**
     * Single trials, then groups of 10 and of 50, {@link #RECORD} trials each, through one store, so the packed-refs
     * rewrites (one per about 1,600 trials at 100,000) fall into the timed loops at their usual rate.
     */
    private double[] recordThroughTheStore() {
        int warm = 40;
        List<TrialSpec> specs = specs(warm + 3 * RECORD);
        try (LineageStore store = LineageStore.open(lineage.dir())) {
            long cold = System.nanoTime();
            store.recordTrial(specs.get(0));
            row("first recordTrial after open (cold)", "%.1f ms", millis(cold));
            for (TrialSpec spec : specs.subList(1, 20)) {
                store.recordTrial(spec);
            }
            store.recordTrials(specs.subList(20, 30));
            store.recordTrials(specs.subList(30, warm));
            List<TrialSpec> single = specs.subList(warm, warm + RECORD);
            double singleRate = timedRecording("recordTrial", single, 1, store);
            double tens = timedRecording("recordTrials, groups of 10", specs.subList(warm + RECORD, warm + 2 * RECORD),
                    10, store);
            double fifties = timedRecording("recordTrials, groups of 50",
                    specs.subList(warm + 2 * RECORD, warm + 3 * RECORD), 50, store);

            long notes = System.nanoTime();
            for (TrialSpec spec : single.subList(0, 100)) {
                store.putOutcomeNote(spec.trialId(), "status: discard", "{\"status\":\"discard\"}");
                store.moveBestIf(SyntheticLineage.CAMPAIGN, store.bestTrial(SyntheticLineage.CAMPAIGN).orElseThrow(),
                        store.bestTrial(SyntheticLineage.CAMPAIGN).orElseThrow());
            }
            row("putOutcomeNote + best check, per trial", "%.2f ms", millis(notes) / 100);
            return new double[] {singleRate, tens, fifties};
        }
    }

    /** Records {@code specs} one by one ({@code group} 1) or in groups; rows for wall and CPU rates; the wall rate. */
    private double timedRecording(String what, List<TrialSpec> specs, int group, LineageStore store) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < specs.size(); i += group) {
            if (group == 1) {
                store.recordTrial(specs.get(i));
            } else {
                for (TrialRecording result : store.recordTrials(specs.subList(i, Math.min(specs.size(), i + group)))) {
                    result.commitOrThrow();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        double rate = specs.size() / seconds;
        row(what + " x " + specs.size() + " into " + String.format(Locale.ROOT, "%,d", TRIALS) + " trials (wall)",
                "%.0f trials/s (%.2f ms each)", rate, 1000 * seconds / specs.size());
        row(what + ", per CPU second of the recording thread", "%.0f trials/s (%.2f ms CPU each)",
                specs.size() / cpuSeconds, 1000 * cpuSeconds / specs.size());
        return rate;
    }

    /** The physical reference: per trial a shell loop edits the file, runs git commit and creates the trial ref. */
    private double gitCommitLoop() throws IOException, InterruptedException {
        Path work = temp.resolve("git-loop");
        run(temp, "git", "clone", "-q", "--shared", lineage.dir().toString(), work.toString());
        String script = "set -e\nTIMEFORMAT='%3U %3S'\ntime (for i in $(seq 1 " + GIT_LOOP + "); do\n"
                + "  echo \"// edit $i\" >> " + SyntheticLineage.RECIPE + "\n"
                + "  git -c user.name=Looplab -c user.email=looplab@localhost commit -q -a -m \"Edit $i\"\n"
                + "  git update-ref refs/heads/trial/g$i HEAD\n"
                + "done) 2>&1\n";
        long start = System.nanoTime();
        String[] cpu = run(work, "bash", "-c", script).strip().split("\\s+");
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = Double.parseDouble(cpu[cpu.length - 2]) + Double.parseDouble(cpu[cpu.length - 1]);
        double rate = GIT_LOOP / seconds;
        row("git commit -a + git update-ref x " + GIT_LOOP + ", clone sharing the lineage (wall)",
                "%.0f trials/s (%.2f ms each)", rate, 1000 * seconds / GIT_LOOP);
        row("git loop, per CPU second (user+sys of all git processes)", "%.0f trials/s (%.2f ms CPU each)",
                GIT_LOOP / cpuSeconds, 1000 * cpuSeconds / GIT_LOOP);
        return rate;
    }

    private void reads() {
        String best = SyntheticLineage.Generated.id(lineage.best());
        String subtreeRoot = SyntheticLineage.Generated.id(lineage.subtreeRoot());
        int depth = lineage.bestDepth() + 1;
        try (LineageStore store = LineageStore.open(lineage.dir())) {
            firstRead("chainRows(best), first read after open, no saved index: parses every commit and note", store,
                    best, depth);
            try (LineageStore reopened = LineageStore.open(lineage.dir())) {
                firstRead("chainRows(best), first read after reopen: saved index with outcomes, nothing changed",
                        reopened, best, depth);
            }
            // Another writer's outcomes since the save: the next open reads just those notes.
            for (int n = 0; n < 100; n++) {
                store.putOutcomeNote(SyntheticLineage.Generated.id(1 + n * (TRIALS / 100)), "status: crash",
                        "{\"status\":\"crash\"}");
            }
            try (LineageStore reopened = LineageStore.open(lineage.dir())) {
                firstRead("chainRows(best), first read after reopen: saved index, 100 notes changed since", reopened,
                        best, depth);
            }
            long outcomes = System.nanoTime();
            // Trials recorded above may hang below the generated subtree, so it can only have grown.
            int subtree = store.subtreeRows(subtreeRoot).size();
            assertThat(subtree).isGreaterThanOrEqualTo(lineage.subtreeSize());
            row("subtreeRows right after", "%.0f ms", millis(outcomes));
            timed("chainRows(best): " + depth + " trials root to best", () -> store.chainRows(best).size());
            timed("subtreeRows: a " + subtree + "-trial subtree", () -> store.subtreeRows(subtreeRoot).size());
            long firstInfos = System.nanoTime();
            long firstInfosCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            assertThat(store.chainToRoot(best)).hasSize(depth);
            row("chainToRoot(best): " + depth + " TrialInfo, first call (reads every commit of the chain)",
                    "%.0f ms (%.0f ms CPU)", millis(firstInfos),
                    (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - firstInfosCpu) / 1e6);
            timed("chainToRoot(best): " + depth + " TrialInfo with hypothesis and trailers, again",
                    () -> store.chainToRoot(best).size());
            timed("children(root): " + store.children("t0").size() + " TrialInfo", () -> store.children("t0").size());
            timed("treeRows: all " + (TRIALS + 3 * RECORD + 41) + " trials", () -> store.treeRows().size());
        }
    }

    private void firstRead(String what, LineageStore store, String best, int depth) {
        long start = System.nanoTime();
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        assertThat(store.chainRows(best)).hasSize(depth);
        row(what, "%.0f ms (%.0f ms CPU)", millis(start),
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu) / 1e6);
    }

    private void timed(String what, Supplier<Integer> read) {
        double[] times = new double[READ_REPEATS];
        for (int i = 0; i < READ_REPEATS; i++) {
            long start = System.nanoTime();
            read.get();
            times[i] = millis(start);
        }
        Arrays.sort(times);
        row(what + ", median of " + READ_REPEATS, "%.2f ms (min %.2f, max %.2f)", times[READ_REPEATS / 2], times[0],
                times[READ_REPEATS - 1]);
    }

    private void row(String what, String format, Object... values) {
        String line = "| " + what + " | " + String.format(Locale.ROOT, format, values) + " |";
        rows.add(line);
        System.out.println(line);
    }

    private void row(String what, int n, double ms) {
        row(String.format(Locale.ROOT, what, n), "%.1f s", ms / 1000);
    }

    private void write() throws IOException {
        Path out = Path.of("target", "bench", "lineage.md");
        Files.createDirectories(out.getParent());
        String header = "Lineage benchmark, " + LocalDate.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load average at start " + loadAtStart + ", at end " + loadAverage() + "\n\n"
                + "| operation | result |\n|---|---|\n";
        Files.writeString(out, header + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
    }

    private static double millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
        return output;
    }
}
