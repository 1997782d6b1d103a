package dev.looplab.launcher;

import dev.looplab.infra.LocalPorts;
import dev.looplab.launcher.StackFile.AppEntry;
import dev.looplab.launcher.StackFile.RunState;
import dev.looplab.launcher.StackFile.Supervision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor on real child processes (small shell scripts instead of apps, and millisecond backoffs instead of
 * seconds): a killed process comes back while the others keep running; one that keeps crashing is reported as a
 * crash loop, in the log and in {@code looplab status}, and is still retried.
 */
class SupervisorTest {
    private static final RestartPolicy FAST = new RestartPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 5,
            Duration.ofMinutes(2));

    @TempDir
    Path home;

    private final Instant began = Instant.now();
    private final List<SupervisedApp> apps = new ArrayList<>();
    private Supervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
        apps.forEach(SupervisedApp::close);
    }

    @Test
    void givenOneOfTwoProcessesKilled_thenOnlyItIsRestartedAndTheOtherKeepsItsPid() throws Exception {
        // given two supervised processes
        SupervisedApp victim = app("victim", "echo started; exec sleep 600");
        SupervisedApp bystander = app("bystander", "exec sleep 600");
        supervise(() -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> Logs.tail(victim.log(), 1).contains("started"));
        long victimPid = victim.pid();
        long bystanderPid = bystander.pid();

        // when one is killed with SIGKILL
        ProcessHandle killed = ProcessHandle.of(victimPid).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get();

        // then it runs again under a new pid, and the other was left alone
        await().atMost(Duration.ofSeconds(10)).until(() -> victim.pid() > 0 && victim.pid() != victimPid
                && supervisor.supervision("victim").state() == StackFile.UnitState.up);
        Supervision supervision = supervisor.supervision("victim");
        assertThat(supervision.restarts()).isEqualTo(1);
        assertThat(supervision.crashLooping()).isFalse();
        assertThat(supervision.lastCrash().cause()).isEqualTo("exited with code 137 (SIGKILL)");
        assertThat(supervision.lastCrash().logTail()).contains("started");
        assertThat(bystander.pid()).isEqualTo(bystanderPid);
        assertThat(supervisor.supervision("bystander").restarts()).isZero();
    }

    @Test
    void givenAProcessThatExitsAtOnce_thenAfterFiveCrashesItIsReportedAsACrashLoopWithItsLogAndStillRetried()
            throws Exception {
        // given a process that fails at start, beside a steady one, and a record of what the supervisor logs
        SupervisedApp flaky = app("flaky", "echo '2030-01-01 12:00:00,000 ERROR [dev.looplab.Boot] (main) cannot open"
                + " the lineage: disk full'; exit 3");
        SupervisedApp steady = app("steady", "exec sleep 600");
        long steadyPid = steady.pid();
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = capture(logged);
        Path stackFile = StackFile.at(home);
        try {
            supervise(() -> stackFile(List.of(flaky, steady)).write(stackFile));

            // when it has crashed five times within two minutes
            await().atMost(Duration.ofSeconds(20)).until(() -> supervisor.supervision("flaky").crashLooping());

            // then the supervisor's log says so with the last lines of the process's log
            assertThat(logged).anySatisfy(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
                assertThat(formatted(r)).contains("flaky is crash-looping").contains("exited with code 3")
                        .contains("cannot open the lineage: disk full");
            });
            // and it keeps being retried, at the longest backoff
            int restarts = supervisor.supervision("flaky").restarts();
            await().atMost(Duration.ofSeconds(10)).until(() -> supervisor.supervision("flaky").restarts() >= restarts + 2);
            // and the steady one never noticed
            assertThat(steady.pid()).isEqualTo(steadyPid);

            // and looplab status shows the loop, the log lines, and exits 1
            ByteArrayOutputStream screen = new ByteArrayOutputStream();
            int exit = StatusCommand.run(home, "http://localhost:" + LocalPorts.free(), "c",
                    new PrintStream(screen, true, StandardCharsets.UTF_8));
            String text = screen.toString(StandardCharsets.UTF_8);
            assertThat(text).containsPattern("flaky\\s+crash-looping")
                    .contains("last crash").contains("exited with code 3")
                    .contains("| 2030-01-01 12:00:00,000 ERROR [dev.looplab.Boot] (main) cannot open the lineage")
                    .containsPattern("steady\\s+up\\s+pid " + steadyPid)
                    .contains("flaky is crash-looping");
            assertThat(exit).isEqualTo(1);
        } finally {
            Logger.getLogger(Supervisor.class.getName()).removeHandler(capture);
        }
    }

    // ---- helpers

    private SupervisedApp app(String name, String script) {
        SupervisedApp app = SupervisedApp.start(new App.Spec(name, List.of("sh", "-c", script), Map.of(),
                home.resolve("logs").resolve(name + ".log"), LocalPorts.free()), false);
        apps.add(app);
        return app;
    }

    private void supervise(Runnable onChange) {
        supervisor = new Supervisor(apps, FAST, onChange).watchEvery(Duration.ofMillis(10));
    }

    /** What Stack writes, for these apps: the supervisor's view of each, the test JVM as the launcher. */
    private StackFile stackFile(List<SupervisedApp> supervised) {
        List<AppEntry> entries = supervised.stream().map(a -> new AppEntry(a.name(), a.pid() < 0 ? null : a.pid(),
                a.port(), "http://localhost:" + a.port(), a.log().toString(), supervisor.supervision(a.name()))).toList();
        return new StackFile(StackFile.SCHEMA, ProcessHandle.current().pid(), RunState.up, began, Instant.now(),
                home.toString(), "http://localhost:1", "c", "t", List.of(), entries);
    }

    private static Handler capture(List<LogRecord> into) {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                into.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger(Supervisor.class.getName()).addHandler(handler);
        return handler;
    }

    private static String formatted(LogRecord record) {
        Object[] params = record.getParameters();
        return params == null ? record.getMessage() : String.format(record.getMessage(), params);
    }
}
