package dev.looplab.worker.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
    void aCpuBudgetIsNotSpentBySecondsOnTheClock() throws Exception {
        // given a recipe that takes 2 s on the clock but almost no CPU, under a 1 CPU-second budget
        TrainingCommand command = cpuBudgeted("sleep 2; echo done", Duration.ofSeconds(1), 10);

        // when it runs
        TrainingResult result = TrainingProcess.run(command);

        // then it ends on its own: a wall-clock budget of 1 s + 0 s grace would have killed it
        assertThat(result.timedOut()).as(result.limitReached()).isFalse();
        assertThat(result.exitCode()).isZero();
        assertThat(result.seconds()).isGreaterThanOrEqualTo(2.0);
        assertThat(result.cpuSeconds()).isLessThan(1.0);
    }

    @Test
    void aRecipeThatSleepsIsStoppedByTheWallClockCeiling() throws Exception {
        // given a recipe that waits forever under a 1 CPU-second budget and a ceiling of 2x
        TrainingCommand command = cpuBudgeted("sleep 600", Duration.ofSeconds(1), 2);

        // when it runs
        TrainingResult result = TrainingProcess.run(command);

        // then the ceiling stops it, and the feedback names that limit and the setting
        assertThat(result.timedOut()).isTrue();
        assertThat(result.limitReached()).startsWith("wall-clock ceiling reached")
                .contains("ceiling 2 s for a 1 s CPU budget").contains("looplab.worker.wall-ceiling-factor");
        assertThat(result.seconds()).isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void aRecipeThatComputesPastItsCpuBudgetIsStoppedThere() throws Exception {
        // given a recipe whose child process burns CPU forever, a 1 CPU-second budget and a far ceiling
        TrainingCommand command = cpuBudgeted("(while :; do :; done) & wait", Duration.ofSeconds(1), 600);

        // when it runs
        TrainingResult result = TrainingProcess.run(command);

        // then the CPU its tree used (the child's too) reaches the budget, and the feedback says it was the CPU budget
        assertThat(result.timedOut()).isTrue();
        assertThat(result.cpuSeconds()).isGreaterThanOrEqualTo(1.0);
        assertThat(result.limitReached()).startsWith("CPU budget reached").contains("1 s budget + 0 s grace");
        assertThat(result.seconds()).isLessThan(600);
    }

    @Test
    void aMalformedWallCeilingFactorIsNamedWithTheFix() {
        assertThatThrownBy(() -> TrainingCommand.ceilingFactor("3x"))
                .hasMessageContaining("looplab.worker.wall-ceiling-factor")
                .hasMessageContaining("'3x'")
                .hasMessageContaining("set a number >= 1");
        assertThatThrownBy(() -> TrainingCommand.ceilingFactor("0.5")).hasMessageContaining("'0.5'");
        assertThat(TrainingCommand.ceilingFactor(" 2.5 ")).isEqualTo(2.5);
        assertThat(TrainingCommand.ceilingFor(Duration.ofSeconds(90), 3)).isEqualTo(Duration.ofSeconds(270));
    }

    private TrainingCommand cpuBudgeted(String script, Duration budget, double ceilingFactor) {
        return new TrainingCommand(List.of("sh", "-c", script), dir, Map.of("PATH", System.getenv("PATH")),
                dir.resolve("train.log"), budget, Duration.ZERO, SandboxLimits.NONE, TrainingCommand.Clock.CPU,
                TrainingCommand.ceilingFor(budget, ceilingFactor));
    }

    @Test
    void graceIsAQuarterOfTheBudgetWithAFloor() {
        assertThat(TrainingCommand.graceFor(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(TrainingCommand.graceFor(Duration.ofSeconds(600), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofSeconds(150));
    }
}
