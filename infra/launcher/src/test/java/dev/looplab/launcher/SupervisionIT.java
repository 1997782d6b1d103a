package dev.looplab.launcher;

import dev.looplab.infra.LocalPorts;
import dev.looplab.launcher.StackFile.AppEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code looplab up}'s supervision end to end: real Kafka, PostgreSQL and S3, the packaged platform, worker and
 * proposers as processes (on the napping golf-mini stand-in, so nothing trains). A process killed with SIGKILL is
 * started again while the others keep running; {@code looplab status} tells, running and stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupervisionIT {
    private static final String CAMPAIGN = "supervision";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static Stack stack;
    private static Path home;

    @BeforeAll
    static void startLooplab() throws Exception {
        home = Files.createTempDirectory("looplab-supervision");
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        Path recipes = NapTask.writeScored(home.resolve("recipes"));
        // short leases, so a pause of the platform outlasts them (givenThePlatformPaused...)
        stack = Stack.start(new Stack.Settings(root, home, LocalPorts.free(), CAMPAIGN, NapTask.TASK, 30, true,
                Map.of("LOOPLAB_RECIPES_DIR", recipes.toString(), "LOOPLAB_NOISE_RUNS", "0",
                        "LOOPLAB_LEASES_TTL", "6s", "LOOPLAB_LEASES_CHECK_INTERVAL", "1s",
                        // the test proposes over REST without a token, as the same machine's admin
                        "LOOPLAB_LOCAL_ROLE", "admin")));
    }

    @AfterAll
    static void stopLooplab() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void givenARunningStack_whenStatusIsAsked_thenEveryPartIsUpAndItExits0() {
        // the apps' health may take a moment after start; everything else is up at once
        Screen screen = await().atMost(Duration.ofSeconds(90)).until(SupervisionIT::status, s -> s.exit() == 0);

        assertThat(screen.text()).containsPattern("Looplab at .*: up for")
                .containsPattern("postgresql\\s+up\\s+" + java.util.regex.Pattern.quote(stack.services().jdbcUrl()))
                .containsPattern("kafka\\s+up\\s+" + stack.services().kafkaBootstrap())
                .containsPattern("s3\\s+up\\s+" + stack.services().s3Endpoint())
                .containsPattern("platform\\s+up\\s+pid " + stack.pid("platform"))
                .containsPattern("worker\\s+up\\s+pid " + stack.pid("worker"))
                .containsPattern("proposer-agents\\s+up\\s+pid " + stack.pid("proposer-agents"))
                .containsPattern(CAMPAIGN + "\\s+task golf-mini")
                .contains("TRIALS IN FLIGHT").contains("WORKERS").contains("CONSUMER LAG").contains("DEAD LETTERS")
                .contains("LAST ERROR")
                .contains("status: everything is up");
    }

    @Test
    @Order(2)
    void givenThePlatformKilledWithSigkill_thenTheSupervisorStartsItAgainAndTheOtherAppsKeepTheirPids()
            throws Exception {
        long platform = stack.pid("platform");
        long worker = stack.pid("worker");
        long proposers = stack.pid("proposer-agents");

        kill(platform);

        // then a new platform process answers on the same URL
        await().atMost(Duration.ofMinutes(2)).until(() -> stack.pid("platform") > 0 && stack.pid("platform") != platform
                && campaignAnswers());
        assertThat(stack.supervision("platform").restarts()).isEqualTo(1);
        assertThat(stack.supervision("platform").lastCrash().cause()).isEqualTo("exited with code 137 (SIGKILL)");
        // and the worker and the proposers ran on, untouched
        assertThat(stack.pid("worker")).isEqualTo(worker);
        assertThat(stack.pid("proposer-agents")).isEqualTo(proposers);
        assertThat(stack.supervision("worker").restarts()).isZero();
        assertThat(stack.supervision("proposer-agents").restarts()).isZero();
        // and stack.json has the new pid and the restart
        AppEntry written = StackFile.read(stack.stackFile()).orElseThrow().apps().stream()
                .filter(a -> a.name().equals("platform")).findFirst().orElseThrow();
        assertThat(written.pid()).isEqualTo(stack.pid("platform"));
        assertThat(written.supervision().restarts()).isEqualTo(1);
        assertThat(status().text()).containsPattern("platform\\s+up\\s+pid " + stack.pid("platform") + ".*restarts 1");
    }

    @Test
    @Order(3)
    void givenThePlatformPausedLongerThanTheLeaseDuringATrial_thenTheTrialIsRecordedOnceWithTheWorkersScore()
            throws Exception {
        // given a trial that naps 20 s on the worker
        String root = (String) JSON.readValue(get("/api/campaigns/" + CAMPAIGN), Map.class).get("rootTrialId");
        String trial = propose(root, 20);
        await().atMost(Duration.ofMinutes(2)).until(SupervisionIT::workerNaps);

        // when the platform is stopped (SIGSTOP) for 15 s, more than twice the 6 s lease, and continued
        long platform = stack.pid("platform");
        signal("STOP", platform);
        try {
            Thread.sleep(15_000);
        } finally {
            signal("CONT", platform);
        }

        // then the trial is recorded once, by the worker that ran it, with its score, on its first attempt
        await().atMost(Duration.ofMinutes(2)).until(() -> "keep".equals(field(trial, "status"))
                || "discard".equals(field(trial, "status")));
        assertThat(field(trial, "score")).isEqualTo("0.0");
        assertThat(field(trial, "worker")).isNotNull();
        try (Connection db = DriverManager.getConnection(stack.services().jdbcUrl(),
                stack.services().endpoints().dbUser(), stack.services().endpoints().dbPassword())) {
            var rows = db.createStatement().executeQuery(
                    "select attempt, ending from trial_attempt where trial_id = '" + trial + "' order by attempt");
            java.util.List<String> attempts = new java.util.ArrayList<>();
            while (rows.next()) {
                attempts.add(rows.getInt(1) + " " + rows.getString(2));
            }
            assertThat(attempts).as("no attempt was lost to the pause").containsExactly("1 finished");
        }
        assertThat(stack.pid("platform")).as("a paused platform is not a crashed one").isEqualTo(platform);
    }

    @Test
    @Order(4)
    void givenPostgresqlKilledWithSigkill_thenItComesBackOnTheSamePortAndThePlatformAnswersFromItAgain()
            throws Exception {
        long postmaster = stack.pid("postgresql");
        long platform = stack.pid("platform");

        kill(postmaster);

        // then a new postmaster serves the same URL, with the campaign's rows, and the platform reconnects to it
        await().atMost(Duration.ofMinutes(2)).until(() -> stack.pid("postgresql") > 0
                && stack.pid("postgresql") != postmaster && campaignAnswers());
        try (Connection db = DriverManager.getConnection(stack.services().jdbcUrl(), stack.services().endpoints().dbUser(),
                stack.services().endpoints().dbPassword())) {
            assertThat(db.createStatement().executeQuery("select 1 from campaign where id = '" + CAMPAIGN + "'").next())
                    .isTrue();
        }
        assertThat(stack.supervision("postgresql").restarts()).isEqualTo(1);
        assertThat(stack.pid("platform")).as("the platform rode it out").isEqualTo(platform);
    }

    @Test
    @Order(5)
    void givenTheStackStopped_thenStatusSaysSoAndWhatIsDown_andExits1() {
        stack.close();

        Screen screen = status();

        assertThat(screen.text()).contains("stopped (launcher pid " + ProcessHandle.current().pid() + ")")
                .containsPattern("postgresql\\s+DOWN").containsPattern("kafka\\s+DOWN").containsPattern("s3\\s+DOWN")
                .containsPattern("platform\\s+DOWN").containsPattern("worker\\s+DOWN")
                .containsPattern("proposer-agents\\s+DOWN")
                .contains("Looplab is stopped");
        assertThat(screen.exit()).isEqualTo(1);
    }

    // ---- helpers

    private record Screen(String text, int exit) {
    }

    private static Screen status() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = StatusCommand.run(home, stack.platformUrl(), CAMPAIGN, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Screen(text, exit);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String propose(String parent, int napSeconds) throws Exception {
        var p = new dev.looplab.events.Proposal(dev.looplab.events.Proposal.SCHEMA, java.util.UUID.randomUUID().toString(),
                CAMPAIGN, NapTask.TASK, "test-specialist", "schedule", parent, "Nap " + napSeconds + " s.", 0.0,
                NapTask.diff(napSeconds), System.currentTimeMillis());
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.platformUrl()
                        + "/api/proposals")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(dev.looplab.events.Json.write(p))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readValue(response.body(), Map.class).get("trialId").toString();
    }

    private static String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.platformUrl() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A field of the trial's REST view as text, or null (also while the platform does not answer). */
    private static String field(String trial, String name) {
        try {
            Object value = JSON.readValue(get("/api/trials/" + trial), Map.class).get(name);
            return value == null ? null : value.toString();
        } catch (Exception e) {
            return null;
        }
    }

    /** True while the worker's "training" (the nap) runs. */
    private static boolean workerNaps() {
        return ProcessHandle.of(stack.pid("worker")).stream().flatMap(ProcessHandle::descendants)
                .anyMatch(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false));
    }

    private static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    private static void kill(long pid) throws Exception {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().get();
    }

    private static boolean campaignAnswers() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(stack.platformUrl() + "/api/campaigns/" + CAMPAIGN))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
