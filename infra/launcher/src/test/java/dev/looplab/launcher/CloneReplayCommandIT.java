package dev.looplab.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code looplab replay --clone} through the packaged worker: the child JVM starts on the fast-jar's classes without
 * Quarkus and answers a folder that holds no lineage with exit 2 and the fix. (The replay itself, training
 * included, is the worker's CloneReplayTest.)
 */
class CloneReplayCommandIT {

    @Test
    void theChildReplayRunsOnThePackagedWorker(@TempDir Path tmp) throws Exception {
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        Path notALineage = Files.createDirectories(tmp.resolve("not-a-lineage"));
        List<String> command = new ArrayList<>(CloneReplayCommand.command(List.of("--clone", notALineage.toString(),
                "12", "--home", tmp.resolve("home").toString()), root,
                root.resolve("worker/target/quarkus-app")));

        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the replay JVM ends").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains(notALineage + " is not a git repository");
    }
}
