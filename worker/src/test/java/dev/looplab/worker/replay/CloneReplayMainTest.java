package dev.looplab.worker.replay;

import dev.looplab.trial.TrialStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.looplab.worker.replay.GolfMiniLineage.RECIPES;
import static dev.looplab.worker.replay.GolfMiniLineage.ROOT;
import static dev.looplab.worker.replay.GolfMiniLineage.TRIAL;

/**
 * {@code looplab replay --clone} refuses what it cannot replay before anything trains, with exit 2 and a message that
 * names the input and the fix. The lineage is real (LineageStore); no trial is run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloneReplayMainTest {
    private static final Map<String, String> STEPPED = Map.of("planned_steps", "6", "train_steps", "6",
            "budget_s", "60", "threads", "2");

    private Path tmp;
    private Path lineage;

    @BeforeAll
    void createLineage() throws Exception {
        tmp = Files.createTempDirectory("clone-replay-args");
        lineage = GolfMiniLineage.create(tmp.resolve("golf-mini.git"), tmp);
    }

    @AfterAll
    void deleteFiles() throws Exception {
        try (Stream<Path> walk = Files.walk(tmp)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void malformedCommandLinesPrintTheUsage() {
        assertThat(run(List.of(TRIAL))).exitsWith(2).says("--clone needs the lineage", CloneReplayMain.USAGE);
        assertThat(run(List.of("--clone"))).exitsWith(2).says("--clone needs a value");
        assertThat(run(List.of("--clone", lineage.toString()))).exitsWith(2).says("which trial?");
        assertThat(run(List.of("--clone", lineage.toString(), TRIAL, "--fast"))).exitsWith(2)
                .says("unknown option --fast");
        assertThat(run(List.of("--clone", lineage.toString(), TRIAL, "t2"))).exitsWith(2).says("one trial at a time");
    }

    @Test
    void aSourceThatIsNoLineageIsNamed() throws Exception {
        Path missing = tmp.resolve("nowhere");
        assertThat(run(List.of("--clone", missing.toString(), TRIAL))).exitsWith(2)
                .says("the lineage folder " + missing + " does not exist");
        Path plain = Files.createDirectories(tmp.resolve("plain-folder"));
        assertThat(run(List.of("--clone", plain.toString(), TRIAL))).exitsWith(2)
                .says(plain + " is not a git repository");
        assertThat(run(List.of("--clone", "http://127.0.0.1:1/git/golf-mini.git", TRIAL))).exitsWith(2)
                .says("cannot fetch the lineage from http://127.0.0.1:1/git/golf-mini.git", "<platform>/git/<task>.git");
    }

    @Test
    void anUnknownTrialListsTheRecordedOnes() throws Exception {
        assertThat(run(List.of("--clone", lineage.toString(), "t99"))).exitsWith(2)
                .says("unknown trial 't99'", "2 trials (t0, t1)");
        // a clone has the checked-out trial's branch twice (local and origin's): still two trials
        Path clone = GolfMiniLineage.plainClone(lineage, tmp.resolve("clone-for-unknown"), true);
        assertThat(run(List.of("--clone", clone.toString(), "t99"))).exitsWith(2).says("2 trials (t0, t1)");
    }

    @Test
    void aCloneWithoutNotesSaysHowToFetchThem() throws Exception {
        Path lineageWithNote = copyWithNote("noted.git", GolfMiniLineage.note(ROOT, TrialStatus.keep, 2.5, 7L, STEPPED));
        Path clone = GolfMiniLineage.plainClone(lineageWithNote, tmp.resolve("clone-without-notes"), false);
        assertThat(run(List.of("--clone", clone.toString(), TRIAL))).exitsWith(2)
                .says("has no outcome notes", "git -C " + clone + " fetch origin 'refs/notes/*:refs/notes/*'");
    }

    @Test
    void aTrialNotRecordedYetIsRefused() throws Exception {
        Path noted = copyWithNote("root-only.git", GolfMiniLineage.note(ROOT, TrialStatus.keep, 2.5, 7L, STEPPED));
        assertThat(run(List.of("--clone", noted.toString(), TRIAL))).exitsWith(2)
                .says("trial t1 has no outcome note", "not recorded yet");
    }

    @Test
    void aNoteWithoutSeedOrStepsIsRefused() throws Exception {
        Path seedless = copyWithNote("seedless.git", GolfMiniLineage.note(TRIAL, TrialStatus.keep, 2.5, null, STEPPED));
        assertThat(run(List.of("--clone", seedless.toString(), TRIAL))).exitsWith(2).says("records no seed");
        Path stepless = copyWithNote("stepless.git", GolfMiniLineage.note(TRIAL, TrialStatus.keep, 2.5, 7L,
                Map.of("budget_s", "60")));
        assertThat(run(List.of("--clone", stepless.toString(), TRIAL))).exitsWith(2)
                .says("records no step count (planned_steps)", "--same-budget");
    }

    @Test
    void aMissingSandboxNamesTheUnsafeSetting() throws Exception {
        Path noted = copyWithNote("sandboxless.git", GolfMiniLineage.note(TRIAL, TrialStatus.keep, 2.5, 7L, STEPPED));
        Cli result = run(List.of("--clone", noted.toString(), TRIAL),
                Map.of("LOOPLAB_WORKER_BWRAP", tmp.resolve("no-bwrap").toString()));
        assertThat(result).exitsWith(2).says("bubblewrap cannot run here", "LOOPLAB_WORKER_SANDBOX=unsafe");
        assertThat(run(List.of("--clone", noted.toString(), TRIAL), Map.of("LOOPLAB_WORKER_SANDBOX", "loose")))
                .exitsWith(2).says("LOOPLAB_WORKER_SANDBOX is 'loose'");
    }

    @Test
    void gpuTaskSettingsReachTheEvaluatorsAsAWorkerReadsThem() {
        org.assertj.core.api.Assertions.assertThat(CloneReplayMain.taskData(Map.of("LOOPLAB_TASKS_PARAMETER_GOLF_DATA", "/data/fineweb",
                "LOOPLAB_TASKS_NANOCHAT_D12_MAX_PER_TASK", "50", "LOOPLAB_HOME", "/h")))
                .containsOnly(Map.entry("parameter-golf.data", "/data/fineweb"),
                        Map.entry("nanochat-d12.max-per-task", "50"));
    }

    private Path copyWithNote(String name, dev.looplab.lineage.note.OutcomeNote note) throws Exception {
        Path copy = tmp.resolve(name);
        GolfMiniLineage.copyTree(lineage, copy);
        GolfMiniLineage.record(copy, note);
        return copy;
    }

    private Cli run(List<String> args) {
        return run(args, Map.of());
    }

    private Cli run(List<String> args, Map<String, String> env) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--recipes", RECIPES.toString(), "--home", tmp.resolve("home").toString()));
        int exit = CloneReplayMain.run(all, env, out, out);
        return new Cli(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    private static CliAssert assertThat(Cli cli) {
        return new CliAssert(cli);
    }

    private record Cli(int exit, String output) {
    }

    private record CliAssert(Cli cli) {
        CliAssert exitsWith(int code) {
            org.assertj.core.api.Assertions.assertThat(cli.exit()).as(cli.output()).isEqualTo(code);
            return this;
        }

        CliAssert says(String... parts) {
            org.assertj.core.api.Assertions.assertThat(cli.output()).contains(parts);
            return this;
        }
    }
}
