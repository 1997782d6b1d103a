package dev.looplab.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code looplab campaign ...} against a stand-in platform: the requests it makes and what it prints. */
class CampaignCommandTest {
    static final String VIEW = "{\"campaign\":\"golf-mini-x\",\"task\":\"golf-mini\",\"state\":\"%s\",\"team\":\"random\","
            + "\"bestTrialId\":\"7\",\"bestScore\":3.81234,\"inFlight\":1,\"limits\":{\"maxTrials\":200,\"maxHours\":8.0},"
            + "\"counts\":{\"trials\":12,\"keeps\":3},\"liveWorkers\":2,\"slots\":2}";

    HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/campaigns", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + (body.isEmpty() ? "" : " " + body));
            int status = 200;
            String answer;
            if (path.equals("/api/campaigns") && exchange.getRequestMethod().equals("POST")) {
                status = body.contains("dream-team") ? 400 : 201;
                answer = status == 400 ? "{\"error\":\"team 'dream-team' is not a team\"}" : VIEW.formatted("running");
            } else if (path.equals("/api/campaigns")) {
                answer = "[" + VIEW.formatted("paused") + "]";
            } else if (path.endsWith("/resume")) {
                status = 409;
                answer = "{\"error\":\"campaign 'golf-mini-x' is stopped\"}";
            } else {
                answer = VIEW.formatted(path.endsWith("/pause") ? "paused" : "stopped");
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void startSendsTheTaskTeamAndStopRulesAndPrintsTheCampaign() {
        int exit = run("start", "golf-mini", "--team", "random", "--max-trials", "200", "--max-hours", "8",
                "--stop-after-no-keep", "30", "--id", "golf-mini-x");

        assertThat(exit).isZero();
        assertThat(requests).containsExactly("POST /api/campaigns {\"task\":\"golf-mini\",\"team\":\"random\","
                + "\"maxTrials\":200,\"maxHours\":8.0,\"stopAfterNoKeep\":30,\"campaign\":\"golf-mini-x\"}");
        assertThat(out.toString()).startsWith("started golf-mini-x on golf-mini: running, team random, 12 trials"
                + " (3 kept, 1 in flight), best 3.8123 (trial 7), limits 200 trials, 8.0 h, 2 of 2 live workers' slots");
    }

    @Test
    void pauseStopListAndARefusal() {
        assertThat(run("pause", "golf-mini-x")).isZero();
        assertThat(out.toString()).contains("golf-mini-x on golf-mini: paused");
        assertThat(run("stop", "golf-mini-x")).isZero();
        assertThat(run("list")).isZero();
        assertThat(out.toString()).contains("CAMPAIGN").containsPattern("golf-mini-x\\s+golf-mini\\s+paused\\s+random\\s+12");
        assertThat(run("resume", "golf-mini-x")).isEqualTo(3);
        assertThat(err.toString()).contains("campaign resume refused (HTTP 409): campaign 'golf-mini-x' is stopped");
        assertThat(run("start", "golf-mini", "--team", "dream-team")).isEqualTo(2);
        assertThat(requests).contains("POST /api/campaigns/golf-mini-x/pause", "POST /api/campaigns/golf-mini-x/stop",
                "GET /api/campaigns");
    }

    @Test
    void badInputAndAnUnreachablePlatformSayWhatToDo() throws IOException {
        assertThat(run("start")).isEqualTo(2);
        assertThat(err.toString()).contains("name the task to search");
        assertThat(run("start", "golf-mini", "--max-trials", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-trials 'lots' is not a whole number");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        int exit = CampaignCommand.run(List.of("list"), Map.of("LOOPLAB_PORT", Integer.toString(closed)),
                new PrintStream(out), new PrintStream(err));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("cannot reach the platform at http://localhost:" + closed);
    }

    private int run(String... args) {
        return CampaignCommand.run(List.of(args),
                Map.of("LOOPLAB_PLATFORM_URL", "http://127.0.0.1:" + server.getAddress().getPort()),
                new PrintStream(out, true), new PrintStream(err, true));
    }
}
