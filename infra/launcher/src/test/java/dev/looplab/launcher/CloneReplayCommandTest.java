package dev.looplab.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code looplab replay --clone} starts the replay on the built worker's classes, or says how to build them. */
class CloneReplayCommandTest {

    @Test
    void withoutABuiltWorkerItSaysWhichBuildToRun(@TempDir Path root) {
        // given a checkout whose worker is not built
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // when a replay from a clone is asked for
        int exit = CloneReplayCommand.run(List.of("--clone", "/tmp/golf-mini", "12"), root,
                new PrintStream(err, true, StandardCharsets.UTF_8));

        // then it exits 2 naming the missing folder and the build that makes it
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the worker is not built")
                .contains(root.resolve("worker/target/quarkus-app").toString())
                .contains("./mvnw -B package -pl worker -am -DskipTests");
    }

    @Test
    void theReplayRunsOnTheWorkersClassesWithTheCheckoutsRecipes(@TempDir Path root) throws Exception {
        // given a built worker (the fast-jar layout)
        Path app = root.resolve("worker/target/quarkus-app");
        Files.createDirectories(app.resolve("app"));
        Files.createDirectories(app.resolve("lib/main"));

        // when the command line is made
        List<String> command = CloneReplayCommand.command(List.of("--clone", "https://lab.example/git/golf-mini.git",
                "12", "--same-budget"), root, app);

        // then the worker's replay main gets the arguments as given and the checkout's recipes
        assertThat(command).containsSubsequence("-cp", CloneReplayCommand.MAIN, "--clone",
                "https://lab.example/git/golf-mini.git", "12", "--same-budget", "--recipes",
                root.resolve("recipes").toString());
        assertThat(command.get(command.indexOf("-cp") + 1)).contains(app.resolve("app").resolve("*").toString())
                .contains(app.resolve("lib/main").resolve("*").toString());
    }
}
