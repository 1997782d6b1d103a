package dev.looplab.launcher;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code looplab replay --clone} through the packaged worker: the child JVM starts on the fast-jar's classes without
 * Quarkus, refuses what is no lineage, and really trains and scores a golf-mini trial. (Bit-for-bit replays of a
 * recorded run are the worker's CloneReplayTest.)
 */
class CloneReplayCommandIT {
    private static final Path ROOT = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();

    @Test
    void aFolderThatHoldsNoLineageIsRefused(@TempDir Path tmp) throws Exception {
        Path notALineage = Files.createDirectories(tmp.resolve("not-a-lineage"));

        Child child = replay(List.of("--clone", notALineage.toString(), "12"), tmp);

        assertThat(child.exit()).as(child.output()).isEqualTo(2);
        assertThat(child.output()).contains(notALineage + " is not a git repository");
    }

    @Test
    void aRecordThatTheRunDoesNotReproduceDiffers(@TempDir Path tmp) throws Exception {
        // given a golf-mini lineage whose root carries a hand-written record (6 steps, seed 7) claiming score 1.0
        Path recipe = tmp.resolve("recipe");
        Files.createDirectories(recipe);
        try (Stream<Path> files = Files.list(ROOT.resolve("recipes/golf-mini"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, recipe.resolve(f.getFileName().toString()));
            }
        }
        Path lineage = tmp.resolve("golf-mini.git");
        try (LineageStore store = LineageStore.open(lineage)) {
            store.initRoot("t0", recipe, "golf-mini baseline");
            store.putOutcomeNote("t0", new OutcomeNote("t0", TrialStatus.keep, 1.0, Direction.lower, null, null, null,
                    Map.of(), null, null, null, 7L, "golf-mini-bpb", "1", null, "hand", 1, null, null, "hand-written",
                    Map.of("planned_steps", "6", "train_steps", "6", "budget_s", "60", "threads", "2"), null).render());
        }

        // when it is replayed through the launcher's child JVM
        Child child = replay(List.of("--clone", lineage.toString(), "t0"), tmp);

        // then the trial trained 6 steps, the evaluator scored it (bits per byte, far from 1.0) and it differs
        assertThat(child.exit()).as(child.output()).isEqualTo(3);
        assertThat(child.output()).contains("exactly 6 steps", "training: step 6 of 6", "verdict: differs",
                "original 1.0, replay ");
    }

    private static Child replay(List<String> args, Path tmp) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--home", tmp.resolve("home").toString()));
        List<String> command = CloneReplayCommand.command(all, ROOT, ROOT.resolve("worker/target/quarkus-app"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the replay JVM ends").isTrue();
        return new Child(child.exitValue(), output);
    }

    private record Child(int exit, String output) {
    }
}
