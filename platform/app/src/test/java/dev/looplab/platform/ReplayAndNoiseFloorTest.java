package dev.looplab.platform;

import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.events.RunRequest;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.lineage.LineageStore;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import dev.looplab.platform.support.TestTopics;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * The noise floor and replays against real Kafka, PostgreSQL and Git. The test plays the worker: it
 * reports the baseline and its noise runs, then trials whose gains sit below and above twice the noise,
 * then replays whose scores match bit for bit, or almost.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class ReplayAndNoiseFloorTest {
    private static final String CAMPAIGN = "platform-test";
    private static final String TASK = "golf-mini";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    TrialRepository trials;
    @Inject
    LineageService lineage;

    @Test
    void givenBaselineRunsSpreadBySigma_thenOnlyGainsAboveTwoSigmaAreKept_andReplaysGetAVerdict() throws Exception {
        // given: the campaign opened with two noise runs of the root's commit, each with its own seed
        String root = given().get("/api/campaigns/" + CAMPAIGN).then().statusCode(200).extract().path("rootTrialId");
        String rootCommit = lineage.store(TASK).readTrial(root).orElseThrow().commitId();
        List<Map<String, Object>> noise = given().get("/api/trials?campaign=" + CAMPAIGN).then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.kind == 'noise' && !it.hypothesis.contains('joined') }");
        assertThat(noise).hasSize(2);
        assertThat(noise).allSatisfy(n -> {
            assertThat(n.get("commitId")).isEqualTo(rootCommit);
            assertThat(n.get("parentTrialId")).isEqualTo(root);
        });
        List<String> noiseIds = noise.stream().map(n -> (String) n.get("id")).toList();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<RunRequest> requests = runRequests();
            for (String id : noiseIds) {
                assertThat(requests).anySatisfy(r -> {
                    assertThat(r.trialId()).isEqualTo(id);
                    assertThat(r.commit()).isEqualTo(rootCommit);
                    assertThat(r.seed()).isNotEqualTo(1337L);
                });
            }
        });

        // when: the baseline scores 4.00 and its noise runs 3.95 and 4.05 (sample sigma 0.05, 2 sigma 0.10)
        finish(root, 4.00, env("120"));
        finish(noiseIds.get(0), 3.95, env("120"));
        finish(noiseIds.get(1), 4.05, env("120"));
        for (String id : noiseIds) {
            awaitStatus(id, "scored");
        }
        awaitRecorded(root);
        double best = ((Number) given().get("/api/campaigns/" + CAMPAIGN).then().extract().path("bestScore"))
                .doubleValue();

        // then: a gain of 0.05 clears the 0.01 threshold but not 2 sigma, a gain of 0.15 clears both
        String small = proposeAndFinish(root, best - 0.05);
        String large = proposeAndFinish(root, best - 0.15);
        JsonPath discarded = awaitStatus(small, "discard");
        assertThat(discarded.getString("keepRule")).isEqualTo("2sigma");
        assertThat(discarded.getString("feedback")).contains("2 sigma 0.1000 from 3 baseline runs");
        JsonPath kept = awaitStatus(large, "keep");
        assertThat(kept.getString("keepRule")).isEqualTo("2sigma");
        assertThat(lineage.store(TASK).outcomeNote(large)).hasValueSatisfying(note -> assertThat(note)
                .contains("environment: ").contains("cpu Test CPU").contains("\"planned_steps\": \"120\""));

        // and: a noise run never becomes the best, and its note is appended on the root's commit
        assertThat(lineage.store(TASK).note(LineageStore.REPLAY_NOTES, rootCommit)).hasValueSatisfying(note ->
                assertThat(note).contains("Noise-floor run " + noiseIds.get(0)).contains("Noise-floor run " + noiseIds.get(1)));

        // when: the kept trial is replayed
        JsonPath replay = given().post("/api/trials/" + large + "/replays").then().statusCode(202).extract().jsonPath();
        String replayId = replay.getString("replayTrialId");
        assertThat(replay.getString("originalTrialId")).isEqualTo(large);
        assertThat(replay.getString("hypothesis")).contains("exactly 120 steps");
        RunRequest request = await().atMost(Duration.ofSeconds(30)).until(() -> runRequests().stream()
                .filter(r -> r.trialId().equals(replayId)).findFirst().orElse(null), r -> r != null);
        String largeCommit = lineage.store(TASK).readTrial(large).orElseThrow().commitId();
        assertThat(request.commit()).isEqualTo(largeCommit);
        assertThat(request.steps()).isEqualTo(120);
        assertThat(request.seed()).isEqualTo(1337L);

        // then: the same bits are identical, a small difference is within noise, a large one differs
        finish(replayId, best - 0.15, env("120"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/replays/" + replayId).then()
                .statusCode(200).body("verdict", org.hamcrest.Matchers.equalTo("identical")));
        String noisy = replayOf(large);
        finish(noisy, best - 0.15 + 0.04, env("120"));
        String far = replayOf(large);
        finish(far, best - 0.15 + 0.5, envOn("120", "Another CPU"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/replays/" + noisy).then()
                .statusCode(200).body("verdict", org.hamcrest.Matchers.equalTo("within_noise"))
                .body("detail", containsString("tolerance 0.1")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/replays/" + far).then()
                .statusCode(200).body("verdict", org.hamcrest.Matchers.equalTo("differs"))
                .body("detail", containsString("cpu Test CPU -> Another CPU")));
        assertThat(given().get("/api/trials/" + large + "/replays").then().extract().jsonPath().getList("verdict"))
                .containsExactlyInAnyOrder("identical", "within_noise", "differs");
        assertThat(lineage.store(TASK).note(LineageStore.REPLAY_NOTES, largeCommit)).hasValueSatisfying(note ->
                assertThat(note).contains("Replay " + replayId + " of trial " + large + ": identical"));
        // a replay is never the campaign's best
        assertThat((String) given().get("/api/campaigns/" + CAMPAIGN).then().extract().path("bestTrialId"))
                .isNotIn(replayId, noisy, far);
    }

    @Test
    void givenAWorkerOnANewCpu_thenTheBaselineIsRunAgainOnceForIt() throws Exception {
        // given: the baseline measured on "Test CPU"
        String root = given().get("/api/campaigns/" + CAMPAIGN).then().statusCode(200).extract().path("rootTrialId");
        finish(root, 4.00, env("120"));
        awaitRecorded(root);

        // when: two trials run on a worker with another CPU
        String first = proposeAndFinish(root, 3.99, envOn("120", "Other CPU"));
        awaitRecorded(first);
        String second = proposeAndFinish(root, 3.98, envOn("120", "Other CPU"));
        awaitRecorded(second);

        // then: the noise runs of the baseline are queued again, once, for that fingerprint, and asked to run
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(given()
                .get("/api/trials?campaign=" + CAMPAIGN).then().extract().jsonPath()
                .<String>getList("findAll { it.kind == 'noise' && it.hypothesis.contains('Other CPU') }.id"))
                .hasSize(2));
        List<String> again = given().get("/api/trials?campaign=" + CAMPAIGN).then().extract().jsonPath()
                .getList("findAll { it.kind == 'noise' && it.hypothesis.contains('Other CPU') }.id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(runRequests())
                .extracting(RunRequest::trialId).containsAll(again));
    }

    @Test
    void givenATrialThatHasNotFinished_whenReplayed_thenItIsRefusedWithTheReason() throws Exception {
        String root = given().get("/api/campaigns/" + CAMPAIGN).then().extract().path("rootTrialId");
        String queued = propose(root);
        given().post("/api/trials/" + queued + "/replays").then().statusCode(409)
                .body("error", containsString("has not finished"));
        given().post("/api/trials/no-such-trial/replays").then().statusCode(404)
                .body("error", containsString("unknown trial 'no-such-trial'"));
    }

    // ---- helpers

    private String replayOf(String trial) {
        return given().post("/api/trials/" + trial + "/replays").then().statusCode(202).extract().path("replayTrialId");
    }

    private static Map<String, String> env(String steps) {
        return envOn(steps, "Test CPU");
    }

    private static Map<String, String> envOn(String steps, String cpu) {
        return Map.of("cpu", cpu, "threads", "1", "planned_steps", steps, "train_steps", steps, "jdk", "test 17");
    }

    private String proposeAndFinish(String root, double score) throws Exception {
        return proposeAndFinish(root, score, env("120"));
    }

    private String proposeAndFinish(String root, double score, Map<String, String> env) throws Exception {
        String trialId = propose(root);
        finish(trialId, score, env);
        return trialId;
    }

    private String propose(String root) throws Exception {
        String id = UUID.randomUUID().toString();
        String recipe = given().get("/api/trials/" + root + "/files/Recipe.java").then().statusCode(200).extract()
                .asString();
        String lr = String.format(Locale.ROOT, "%.7ff", 1e-3 + 4e-3 * Math.random());
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + lr + ";");
        produce(Topics.PROPOSALS, CAMPAIGN, Json.write(new Proposal(Proposal.SCHEMA, id, CAMPAIGN, TASK,
                "test-specialist", "optimizer", root, "LR " + lr + " for the noise test.", -0.01,
                LineageStore.unifiedDiff("Recipe.java", recipe, edited), System.currentTimeMillis())));
        return await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> trials.findByProposal(id).map(t -> t.id).orElse(null)), t -> t != null);
    }

    private void finish(String trialId, double score, Map<String, String> env) throws Exception {
        Measurement m = new Measurement(TrialStatus.scored, score, Direction.lower, Map.of("val_bpb", score), 30, 2, 1000,
                1337, "golf-mini-bpb", "test", "abc", String.format(Locale.ROOT, "val_bpb %.4f.", score));
        TrialEvent finished = new TrialEvent(TrialEvent.SCHEMA, trialId, 1, TrialEvent.Type.FINISHED, "test-worker",
                System.currentTimeMillis(), null, m, List.of(), null, env);
        produce(Topics.TRIAL_EVENTS, trialId, Json.write(finished));
    }

    private JsonPath awaitStatus(String trialId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/trials/" + trialId).then().statusCode(200)
                        .body("status", org.hamcrest.Matchers.equalTo(status)));
        return given().get("/api/trials/" + trialId).then().extract().jsonPath();
    }

    private void awaitRecorded(String trialId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/trials/" + trialId).then().extract()
                .path("recordedAt") != null);
    }

    private void produce(String topic, String key, String value) throws Exception {
        TestTopics.produce(bootstrap, topic, key, value);
    }

    private List<RunRequest> runRequests() {
        return TestTopics.runRequests(bootstrap);
    }
}
