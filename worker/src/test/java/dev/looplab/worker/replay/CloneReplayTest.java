package dev.looplab.worker.replay;

import dev.looplab.events.RunRequest;
import dev.looplab.events.TrialEvent;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.TrialStatus;
import dev.looplab.worker.artifact.LocalArtifacts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.looplab.worker.replay.GolfMiniLineage.RECIPES;
import static dev.looplab.worker.replay.GolfMiniLineage.TRIAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader's replay of a recorded golf-mini trial from a clone of its lineage, with nothing but this machine: the
 * trial really trained (a few steps) as a worker runs it, its outcome note written as the platform writes it; the
 * replay trains the commit again in bubblewrap and the task's evaluator scores it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloneReplayTest {
    private static final long SEED = 7;
    /** Enough to train and score for real, few enough to keep the three runs of this class to about a minute. */
    private static final int STEPS = 6;

    private Path tmp;
    private Path lineage;
    private Path home;
    private OutcomeNote recorded;

    @BeforeAll
    void recordATrainedTrial() throws Exception {
        tmp = Files.createTempDirectory("clone-replay");
        lineage = GolfMiniLineage.create(tmp.resolve("golf-mini.git"), tmp);
        home = tmp.resolve("home");
        String commit;
        try (LineageStore store = LineageStore.open(lineage)) {
            commit = store.readTrial(TRIAL).orElseThrow().commitId();
        }
        CloneReplay.Settings settings = CloneReplayMain.settings(
                new CloneReplayMain.Arguments(lineage.toString(), TRIAL, false, RECIPES, home), Map.of());
        // the original run, as a worker runs a scheduled trial: STEPS steps of real training, then the evaluator
        TrialEvent run = CloneReplay.runLocally(new RunRequest(RunRequest.SCHEMA, "t1-original", 1, "c1", "golf-mini",
                        lineage.toString(), commit, 60, SEED, System.currentTimeMillis(), STEPS, 0), settings, 2,
                new LocalArtifacts(tmp.resolve("original-artifacts")), new ConsoleEvents(System.out, STEPS));
        assertThat(run.measurement().status()).as("feedback: %s", run.measurement().feedback())
                .isEqualTo(TrialStatus.scored);
        assertThat(run.environment()).containsEntry("planned_steps", Integer.toString(STEPS))
                .containsEntry("seed", Long.toString(SEED));
        recorded = GolfMiniLineage.note(TRIAL, TrialStatus.keep, run.measurement().score(), SEED, run.environment());
        GolfMiniLineage.record(lineage, recorded);
    }

    @AfterAll
    void deleteFiles() throws Exception {
        try (Stream<Path> walk = Files.walk(tmp)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aPlainCloneReplaysTheRecordedTrialBitForBit() throws Exception {
        // given a reader's plain clone of the lineage with its notes fetched
        Path clone = GolfMiniLineage.plainClone(lineage, tmp.resolve("reader"), true);

        // when the reader replays the trial from it
        Replayed replayed = replay(clone.toString());

        // then the verdict is the platform's: identical, the same score bit for bit, exit 0
        assertThat(replayed.exit()).as(replayed.output()).isZero();
        assertThat(replayed.output()).contains("verdict: identical")
                .contains("score " + recorded.score() + " reproduced bit for bit")
                .contains("exactly " + STEPS + " steps");
        // and the replay's report and artifacts stay on this machine
        Path report = reportIn(home);
        assertThat(Files.readString(report)).contains("\"verdict\":\"identical\"");
        assertThat(report.getParent().resolve("artifacts").resolve("sha256")).isDirectory();
    }

    @Test
    void aTamperedRecordedScoreDiffers() throws Exception {
        // given a copy of the lineage whose outcome note claims a better score than the trial's run gave
        Path tampered = tmp.resolve("tampered.git");
        GolfMiniLineage.copyTree(lineage, tampered);
        double claimed = recorded.score() - 0.5;
        GolfMiniLineage.record(tampered, GolfMiniLineage.note(TRIAL, TrialStatus.keep, claimed, SEED,
                recorded.environment()));

        // when it is replayed from its URL
        Replayed replayed = replay(tampered.toUri().toString());

        // then the replay differs, names both scores, and exits 3
        assertThat(replayed.exit()).as(replayed.output()).isEqualTo(3);
        assertThat(replayed.output()).contains("verdict: differs").contains("original " + claimed)
                .contains("replay " + recorded.score());
    }

    private Replayed replay(String source) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit = CloneReplayMain.run(List.of("--clone", source, TRIAL, "--recipes", RECIPES.toString(), "--home",
                home.toString()), Map.of(), out, out);
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        return new Replayed(exit, output);
    }

    /** The newest replay.json under {@code home}/replays. */
    private static Path reportIn(Path home) throws Exception {
        try (Stream<Path> walk = Files.walk(home.resolve("replays"))) {
            return walk.filter(p -> p.getFileName().toString().equals("replay.json"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified())).orElseThrow();
        }
    }

    private record Replayed(int exit, String output) {
    }
}
