package dev.looplab.launcher;

import dev.looplab.launcher.StackFile.AppEntry;
import dev.looplab.launcher.StackFile.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code looplab up} on a home whose last launcher was killed: the apps it left running would hold the ports. */
class StackTakeOverTest {
    @TempDir
    Path home;

    @Test
    void givenAnAppLeftRunningByAKilledLauncher_whenUpStartsAgain_thenItIsStoppedAndSaidSo() throws Exception {
        // given a stack.json whose launcher is gone, naming an app that still runs
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Instant launcherStarted = Instant.now().minusSeconds(5);
        Process leftover = new ProcessBuilder("sleep", "600").start();
        new StackFile(StackFile.SCHEMA, gone.pid(), RunState.up, launcherStarted, Instant.now(), home.toString(),
                "http://localhost:1", "c", "t", List.of(),
                List.of(new AppEntry("platform", leftover.pid(), 1, "http://localhost:1", "platform.log", null)))
                .write(StackFile.at(home));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // when up takes the home over
        try (Progress progress = new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(10))) {
            Stack.takeOver(home, progress);
        }

        // then the leftover is stopped, and the console says which
        assertThat(leftover.isAlive()).isFalse();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("stopping platform (pid " + leftover.pid() + "), left running by a launcher that died");
    }
}
