package dev.looplab.worker.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TrainingProcessTest {

    @TempDir
    Path dir;

    @Test
    void capturesExitCodeAndBothStreamsInTheLog() throws Exception {
        // given a trainer that writes to stdout and stderr and fails
        Path log = dir.resolve("train.log");
        TrainingCommand command = new TrainingCommand(List.of("sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"),
                dir, Map.of("PATH", System.getenv("PATH")), log, Duration.ofSeconds(30), Duration.ofSeconds(10));

        // when it runs
        TrainingResult result = TrainingProcess.run(command);

        // then its exit code and both streams are kept
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.timedOut()).isFalse();
        assertThat(Files.readString(log)).contains("to-stdout").contains("to-stderr");
    }

    @Test
    void seesOnlyTheEnvironmentItIsGiven() throws Exception {
        // given an environment without the worker's variables
        Path log = dir.resolve("env.log");
        TrainingCommand command = new TrainingCommand(List.of("sh", "-c", "echo seed=$LOOPLAB_SEED home=$JAVA_HOME"),
                dir, Map.of("PATH", System.getenv("PATH"), "LOOPLAB_SEED", "42"), log,
                Duration.ofSeconds(30), Duration.ZERO);

        // when it runs
        TrainingProcess.run(command);

        // then it sees what it was given and nothing else
        assertThat(Files.readString(log).strip()).isEqualTo("seed=42 home=");
    }

    @Test
    void killsTheWholeProcessTreePastTheDeadline() throws Exception {
        // given a trainer that starts a detached grandchild and never stops on its own
        Path pidFile = dir.resolve("grandchild.pid");
        String script = "(sleep 600 & echo $! > " + pidFile + "; wait) & sleep 600";
        TrainingCommand command = new TrainingCommand(List.of("sh", "-c", script), dir,
                Map.of("PATH", System.getenv("PATH")), dir.resolve("train.log"), Duration.ofSeconds(1),
                Duration.ofSeconds(1));

        // when it outlives budget plus grace
        TrainingResult result = TrainingProcess.run(command);

        // then it is reported as timed out and no process of its tree survives
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        await().until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void graceIsAQuarterOfTheBudgetWithAFloor() {
        assertThat(TrainingCommand.graceFor(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(TrainingCommand.graceFor(Duration.ofSeconds(600), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofSeconds(150));
    }
}
