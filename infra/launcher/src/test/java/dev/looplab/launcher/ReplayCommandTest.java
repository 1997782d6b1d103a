package dev.looplab.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code looplab replay} against a stand-in platform that walks a replay through queued, running (its step
 * count growing with each poll) and a verdict: the command shows the statuses, the steps reached of the steps
 * to train, and exits by the verdict.
 */
class ReplayCommandTest {
    static final String VIEW = "{\"replayTrialId\":\"42\",\"originalTrialId\":\"7\",\"status\":\"%s\",\"verdict\":%s,"
            + "\"detail\":\"score 3.812 against 3.812: identical to the last bit\",\"steps\":%s}";

    HttpServer server;
    final AtomicInteger polls = new AtomicInteger();
    volatile String verdict = "\"identical\"";
    volatile String steps = "200";
    volatile int createStatus = 202;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/trials/7/replays", exchange -> answer(exchange, createStatus, createStatus == 202
                ? "{\"replayTrialId\":\"42\",\"hypothesis\":\"Replay of trial 7: exactly 200 steps\"}"
                : "{\"error\":\"trial 7 has not finished (status running): replay it once it has an outcome\"}"));
        server.createContext("/api/replays/42", exchange -> {
            int poll = polls.incrementAndGet();
            String status = poll == 1 ? "queued" : poll <= 4 ? "running" : poll == 5 ? "evaluating" : "discard";
            answer(exchange, 200, VIEW.formatted(status, poll >= 6 ? verdict : "null", steps));
        });
        // the step reached grows by 50 with every poll of the replay
        server.createContext("/api/trials/42/metrics", exchange -> answer(exchange, 200,
                "{\"trialId\":\"42\",\"attempt\":1,\"series\":[{\"name\":\"train_loss\",\"points\":9,\"firstStep\":0,"
                        + "\"lastStep\":" + (polls.get() - 1) * 50 + "},{\"name\":\"lr\",\"points\":0,\"firstStep\":0,"
                        + "\"lastStep\":0}]}"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aReplayShowsItsStatusesAndTheStepsItHasReachedThenItsVerdict() {
        int code = run("replay", "7");

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(code).isZero();
        assertThat(lines.get(0)).isEqualTo("replay 42 queued: Replay of trial 7: exactly 200 steps");
        assertThat(lines).anyMatch(l -> l.matches("  queued \\(\\d+ s\\)"));
        assertThat(lines).anyMatch(l -> l.matches("  running \\(\\d+ s\\)"));
        assertThat(lines).anyMatch(l -> l.matches("  training: step 50 of 200 \\(25%\\), \\d+ s"));
        assertThat(lines).anyMatch(l -> l.matches("  training: step 150 of 200 \\(75%\\), \\d+ s"));
        assertThat(lines).contains("verdict: identical", "  score 3.812 against 3.812: identical to the last bit");
        assertThat(lines.get(lines.size() - 2)).as("the verdict comes last").isEqualTo("verdict: identical");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aReplayWithoutAStepCountShowsTheStepAloneAndADifferingVerdictExitsThree() {
        steps = "null";
        verdict = "\"differs\"";

        int code = run("replay", "7");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(3);
        assertThat(printed).containsPattern("  training: step 100, \\d+ s").doesNotContainPattern("step \\d+ of");
        assertThat(printed).contains("verdict: differs");
    }

    @Test
    void aRefusedReplayPrintsThePlatformsReasonAndExitsTwo() {
        createStatus = 409;

        int code = run("replay", "7");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("replay of trial 7 refused (HTTP 409)")
                .contains("replay it once it has an outcome");
        assertThat(polls.get()).isZero();
    }

    private int run(String... args) {
        return ReplayCommand.run(args, "http://127.0.0.1:" + server.getAddress().getPort(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Duration.ofMillis(20), Duration.ZERO);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
