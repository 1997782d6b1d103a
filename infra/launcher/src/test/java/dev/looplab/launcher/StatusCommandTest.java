package dev.looplab.launcher;

import com.sun.net.httpserver.HttpServer;
import dev.looplab.infra.LocalPorts;
import dev.looplab.launcher.StackFile.AppEntry;
import dev.looplab.launcher.StackFile.RunState;
import dev.looplab.launcher.StackFile.ServiceEntry;
import dev.looplab.launcher.StackFile.Supervision;
import dev.looplab.launcher.StackFile.UnitState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code looplab status} against nothing, against the leftovers of a launcher that died, and against a stack whose
 * platform is a stand-in HTTP server answering like the real one (REST, health, metrics).
 */
class StatusCommandTest {
    private static final String METRICS = """
            # HELP looplab_consumer_lag Records the consumer group is behind, per topic
            # TYPE looplab_consumer_lag gauge
            looplab_consumer_lag{group="looplab-platform",topic="looplab.proposals"} 3.0
            looplab_consumer_lag{group="looplab-platform",topic="looplab.trial-events"} 0.0
            # TYPE looplab_dead_letters_total counter
            looplab_dead_letters_total{reason="null value",topic="looplab.proposals"} 2.0
            http_server_requests_seconds_count{method="GET",uri="/api/trials"} 5.0
            """;

    @TempDir
    Path home;

    private HttpServer server;
    private String ready = "{\"status\":\"UP\",\"checks\":[{\"name\":\"kafka-consumers\",\"status\":\"UP\"}]}";
    private int readyCode = 200;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void givenNothingEverStarted_thenItSaysLooplabIsNotRunningAndThePlatformIsDown_andExits1() {
        String platformUrl = "http://localhost:" + LocalPorts.free();

        Screen screen = status(platformUrl);

        assertThat(screen.text()).contains("not running (no " + StackFile.at(home))
                .contains("start it with ./looplab up")
                .contains("unknown: no stack.json")
                .containsPattern("platform\\s+DOWN")
                .contains("n/a: the platform does not answer at " + platformUrl)
                .contains("CONSUMER LAG      n/a")
                .contains("DEAD LETTERS      n/a")
                .contains("LAST ERROR        none in the app logs")
                .contains("status: 2 problems: Looplab is not running; the platform does not answer at " + platformUrl);
        assertThat(screen.exit()).isEqualTo(1);
    }

    @Test
    void givenTheLeftoversOfALauncherThatDied_thenItSaysWhichPidIsGoneAndEverythingThatIsDown() throws Exception {
        // given a stack.json whose launcher, services and apps are all gone
        long gone = deadPid();
        int closed = LocalPorts.free();
        Supervision upWhenWritten = new Supervision(UnitState.up, false, 0, null);
        new StackFile(StackFile.SCHEMA, gone, RunState.up, Instant.now().minusSeconds(60), Instant.now(),
                home.toString(), "http://localhost:" + closed, "c", "golf-mini",
                List.of(new ServiceEntry("postgresql", true, "jdbc:postgresql://127.0.0.1:" + closed + "/looplab", gone,
                                "pg.log", upWhenWritten),
                        new ServiceEntry("kafka", false, "127.0.0.1:" + closed, null, null, null)),
                List.of(new AppEntry("worker", gone, closed, "http://localhost:" + closed, home + "/logs/worker.log",
                        upWhenWritten)))
                .write(StackFile.at(home));

        Screen screen = status("http://localhost:" + closed);

        assertThat(screen.text()).contains("not running (launcher pid " + gone + " is gone; it was up at")
                .containsPattern("postgresql\\s+DOWN")
                .containsPattern("kafka\\s+DOWN\\s+127.0.0.1:" + closed + "\\s+external")
                .containsPattern("worker\\s+DOWN\\s+no process")
                .contains("postgresql is down").contains("kafka is down").contains("worker is down");
        assertThat(screen.exit()).isEqualTo(1);
    }

    @Test
    void givenARunningStack_thenItShowsServicesAppsCampaignTrialsWorkersLagDeadLettersAndTheLastError_andExits0()
            throws Exception {
        // given a stack.json naming a platform that answers like the real one, and its log
        int port = platformStandIn();
        Path log = Files.createDirectories(home.resolve("logs")).resolve("platform.log");
        Files.writeString(log, """
                2030-01-01 12:00:00,000 INFO  [io.quarkus] (main) looplab-platform started
                2030-01-01 12:00:05,000 WARN  [dev.looplab.platform.lease] (executor-1) lease of trial 4 expired
                2030-01-01 12:00:06,000 INFO  [dev.looplab.platform.trial] (executor-1) trial 5 accepted
                """);
        writeRunningStack(port, log);

        Screen screen = status("http://localhost:1");

        assertThat(screen.text()).containsPattern("Looplab at .*: up for \\d+\\w+ \\(launcher pid \\d+, campaign sup")
                .containsPattern("kafka\\s+up\\s+127.0.0.1:" + port)
                .containsPattern("platform\\s+up\\s+pid " + ProcessHandle.current().pid())
                .contains("health live UP, ready UP")
                .contains("restarts 1, last crash")
                .containsPattern("sup\\s+task golf-mini\\s+best trial 4 \\(score 1.2500\\)\\s+recorded 4\\s+in flight 2")
                .contains("TRIALS IN FLIGHT  2: trial 6 queued, trial 5 running on w-1")
                .contains("WORKERS           2 seen in the last 3 trials: w-1, w-2")
                .contains("CONSUMER LAG      3 (looplab.proposals 3, looplab.trial-events 0)")
                .contains("DEAD LETTERS      2 (platform 2)")
                .contains("LAST ERROR        platform: 2030-01-01 12:00:05,000 WARN  [dev.looplab.platform.lease]")
                .contains("status: everything is up");
        assertThat(screen.exit()).isZero();
    }

    @Test
    void givenAnAppWhoseReadinessIsDown_thenItNamesTheFailingCheck_andExits1() throws Exception {
        ready = "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"kafka-consumers\",\"status\":\"DOWN\"}]}";
        readyCode = 503;
        int port = platformStandIn();
        writeRunningStack(port, home.resolve("logs/platform.log"));

        Screen screen = status("http://localhost:1");

        assertThat(screen.text()).contains("health live UP, ready DOWN (down: kafka-consumers)")
                .contains("status: 1 problem: platform reports live UP, ready DOWN (down: kafka-consumers)");
        assertThat(screen.exit()).isEqualTo(1);
    }

    @Test
    void prometheusSamplesAreReadWithTheirLabelsAndOnlyLooplabOnesKept() {
        List<StatusCommand.Metric> metrics = StatusCommand.Metric.parse("worker", METRICS
                + "looplab_odd{topic=\"a,b\",note=\"say \\\"hi\\\"\"} 1.5 1700000000000\nlooplab_plain 7\n");

        assertThat(metrics).extracting(StatusCommand.Metric::name).containsExactly("looplab_consumer_lag",
                "looplab_consumer_lag", "looplab_dead_letters_total", "looplab_odd", "looplab_plain");
        assertThat(metrics.get(3).labels()).containsEntry("topic", "a,b").containsEntry("note", "say \"hi\"");
        assertThat(metrics.get(3).value()).isEqualTo(1.5);
        assertThat(metrics.get(4).value()).isEqualTo(7.0);
    }

    // ---- helpers

    private record Screen(String text, int exit) {
    }

    private Screen status(String fallbackPlatformUrl) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = StatusCommand.run(home, fallbackPlatformUrl, "sup", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Screen(text, exit);
    }

    /** The test JVM plays the launcher and the platform process; the stand-in server every endpoint. */
    private void writeRunningStack(int port, Path log) {
        long self = ProcessHandle.current().pid();
        Instant jvmStart = ProcessHandle.current().info().startInstant().orElseThrow();
        Supervision up = new Supervision(UnitState.up, false, 0, null);
        Supervision restartedOnce = new Supervision(UnitState.up, false, 1,
                new StackFile.Crash(Instant.now().minusSeconds(30), "exited with code 137 (SIGKILL)", List.of("...")));
        String url = "http://localhost:" + port;
        new StackFile(StackFile.SCHEMA, self, RunState.up, jvmStart, Instant.now(), home.toString(), url, "sup",
                "golf-mini",
                List.of(new ServiceEntry("postgresql", true, "jdbc:postgresql://127.0.0.1:" + port + "/looplab", self,
                                "pg.log", up),
                        new ServiceEntry("kafka", true, "127.0.0.1:" + port, self, "broker.log", up),
                        new ServiceEntry("s3", true, "http://127.0.0.1:" + port, self, "s3proxy.log", up)),
                List.of(new AppEntry("platform", self, port, url, log.toString(), restartedOnce)))
                .write(StackFile.at(home));
    }

    private int platformStandIn() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, String> answers = Map.of(
                "/api/campaigns/sup", """
                        {"campaign":"sup","task":"golf-mini","rootTrialId":"1","bestTrialId":"4","bestScore":1.25,
                         "direction":"minimize","inFlight":2,"recorded":4,"trainBudgetSeconds":30}""",
                "/api/trials", """
                        [{"id":"6","status":"queued","worker":null},
                         {"id":"5","status":"running","worker":"w-1"},
                         {"id":"4","status":"keep","worker":"w-2"}]""",
                "/q/health/live", "{\"status\":\"UP\",\"checks\":[]}",
                "/q/metrics", METRICS);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = path.equals("/q/health/ready") ? ready : answers.get(path);
            int code = path.equals("/q/health/ready") ? readyCode : body == null ? 404 : 200;
            byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }
}
