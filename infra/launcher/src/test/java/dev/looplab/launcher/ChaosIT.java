package dev.looplab.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.infra.LocalPorts;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.note.OutcomeNote;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running campaign on two workers while, in turn and each time in the middle of a trial, the platform, a
 * worker, the Kafka broker, PostgreSQL and the S3 server are killed with SIGKILL and the supervisor starts them
 * again. Proposals keep coming the way a proposer sends them (the same id again until the platform answers).
 * At the end: every proposal became exactly one trial or one refusal, every finished trial has one outcome row
 * and one note that agree, no trial stays queued or running, and the best ref names the best row.
 * Opt-in, about 10 minutes: {@code ./mvnw verify -pl infra/launcher -am -Dit.test=ChaosIT -Dlooplab.chaos=true}.
 */
@EnabledIfSystemProperty(named = "looplab.chaos", matches = "true")
class ChaosIT {
    private static final String CAMPAIGN = "chaos";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VICTIMS = List.of("platform", "worker", "kafka", "postgresql", "s3");

    private static Stack stack;

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void givenACampaignOnTwoWorkers_whenEachPartIsKilledMidTrial_thenNothingIsLostOrRecordedTwice() throws Exception {
        Path home = Files.createTempDirectory("looplab-chaos");
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        Path recipes = NapTask.writeScored(home.resolve("recipes"));
        long began = System.nanoTime();
        stack = Stack.start(new Stack.Settings(root, home, LocalPorts.free(), CAMPAIGN, NapTask.TASK, 40, true,
                Map.of("LOOPLAB_RECIPES_DIR", recipes.toString(), "LOOPLAB_NOISE_RUNS", "0", "LOOPLAB_WORKERS", "2",
                        "LOOPLAB_LEASES_TTL", "10s", "LOOPLAB_LEASES_CHECK_INTERVAL", "1s",
                        // the test proposes over REST without a token, as the same machine's admin
                        "LOOPLAB_LOCAL_ROLE", "admin")));
        String rootTrial = await().atMost(Duration.ofMinutes(2)).until(
                () -> string(get("/api/campaigns/" + CAMPAIGN), "rootTrialId"), id -> id != null);

        // a proposer that keeps sending: one proposal every 4 s, each resent with its id until the platform answers
        List<String> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean proposing = new AtomicBoolean(true);
        Thread proposer = new Thread(() -> {
            int n = 0;
            while (proposing.get()) {
                String id = UUID.randomUUID().toString();
                sent.add(id);
                int nap = 6 + (n++ % 10);
                Proposal p = new Proposal(Proposal.SCHEMA, id, CAMPAIGN, NapTask.TASK, "chaos", "schedule", rootTrial,
                        "Nap " + nap + " s under chaos.", 0.0, NapTask.diff(nap), System.currentTimeMillis());
                while (proposing.get() && !post("/api/proposals", Json.write(p))) {
                    pause(2_000);
                }
                pause(4_000);
            }
        }, "chaos-proposer");
        proposer.start();

        Map<String, Double> recovery = new LinkedHashMap<>();
        try {
            for (String victim : VICTIMS) {
                await().atMost(Duration.ofMinutes(3)).until(ChaosIT::aTrialRuns);
                long pid = stack.pid(victim);
                long killedAt = System.nanoTime();
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() ->
                        stack.pid(victim) > 0 && stack.pid(victim) != pid && campaignAnswers());
                recovery.put(victim, (System.nanoTime() - killedAt) / 1e9);
                System.out.printf(Locale.ROOT, "chaos: %s (pid %d) killed, back in %.1f s%n", victim, pid,
                        recovery.get(victim));
            }
        } finally {
            proposing.set(false);
            proposer.join(60_000);
        }

        // every trial ends: none stays queued, running or evaluating
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2)).until(() ->
                count("select count(*) from trial where campaign_id = '" + CAMPAIGN
                        + "' and status in ('queued', 'running', 'evaluating')") == 0);

        try (Connection db = db()) {
            // every proposal the proposer sent became exactly one trial or one refusal
            for (String id : sent) {
                long trials = count(db, "select count(*) from trial where proposal_id = '" + id + "'");
                long refusals = count(db, "select count(*) from proposal_rejection where proposal_id = '" + id + "'");
                assertThat(trials + refusals).as("proposal %s became one trial or one refusal", id).isEqualTo(1);
            }
            // every recorded trial has one note that agrees with its row
            List<String[]> rows = rows(db, "select id, status, score from trial where campaign_id = '" + CAMPAIGN
                    + "' and commit_id is not null and kind in ('root', 'proposal')");
            try (LineageStore lineage = LineageStore.open(home.resolve("lineage").resolve(NapTask.TASK + ".git"))) {
                for (String[] row : rows) {
                    OutcomeNote note = OutcomeNote.parse(lineage.outcomeNote(row[0]).orElseThrow(() ->
                            new AssertionError("trial " + row[0] + " (" + row[1] + ") has no outcome note")));
                    assertThat(note.status().name()).as("trial %s", row[0]).isEqualTo(row[1]);
                    assertThat(note.score() == null ? null : note.score().toString()).as("trial %s", row[0])
                            .isEqualTo(row[2] == null ? null : Double.valueOf(row[2]).toString());
                }
                // the best ref names the best row
                String best = rows(db, "select best_trial_id from campaign where id = '" + CAMPAIGN + "'").get(0)[0];
                assertThat(lineage.bestTrial(CAMPAIGN)).contains(best);
            }
            long finished = count(db, "select count(*) from trial where campaign_id = '" + CAMPAIGN
                    + "' and recorded_at is not null");
            long lost = count(db, "select count(*) from trial where campaign_id = '" + CAMPAIGN
                    + "' and status = 'worker_lost'");
            long attempts = count(db, "select count(*) from trial_attempt a join trial t on t.id = a.trial_id"
                    + " where t.campaign_id = '" + CAMPAIGN + "'");
            System.out.printf(Locale.ROOT, "chaos summary: %.0f s, %d proposals sent, %d trials recorded (%d"
                            + " worker_lost), %d attempts, recovery seconds %s%n", (System.nanoTime() - began) / 1e9,
                    sent.size(), finished, lost, attempts, recovery);
        }
    }

    // ---- helpers

    private static boolean aTrialRuns() {
        try {
            return count("select count(*) from trial where campaign_id = '" + CAMPAIGN + "' and status = 'running'") > 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(stack.services().jdbcUrl(), stack.services().endpoints().dbUser(),
                stack.services().endpoints().dbPassword());
    }

    private static long count(String sql) throws Exception {
        try (Connection db = db()) {
            return count(db, sql);
        }
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String[]> rows(Connection db, String sql) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(stack.platformUrl() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return null;
        }
    }

    /** True when the platform took the proposal (any answer but a 5xx or no answer). */
    private static boolean post(String path, String body) {
        try {
            int status = HTTP.send(HttpRequest.newBuilder(URI.create(stack.platformUrl() + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            return status < 500;
        } catch (Exception e) {
            return false;
        }
    }

    private static String string(String json, String field) {
        try {
            Object value = json == null ? null : JSON.readValue(json, Map.class).get(field);
            return value == null ? null : value.toString();
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean campaignAnswers() {
        return string(get("/api/campaigns/" + CAMPAIGN), "campaign") != null;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
