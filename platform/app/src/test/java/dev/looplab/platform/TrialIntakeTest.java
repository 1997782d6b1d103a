package dev.looplab.platform;

import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.events.ArtifactRef;
import dev.looplab.events.DeadLetter;
import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.events.RunRequest;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.lineage.LineageStore;
import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import dev.looplab.platform.support.TestTopics;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The platform against real Kafka, PostgreSQL and Git: proposals in, trials and run requests out,
 * worker events in, outcomes recorded once. The test plays the worker by sending its events.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class TrialIntakeTest {
    private static final String CAMPAIGN = "platform-test";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    TrialRepository trials;
    @Inject
    LineageService lineage;
    @Inject
    LooplabConfig config;

    @Test
    void givenTheCampaignOpened_thenTheRootIsCommittedAndAskedToRun() {
        String root = rootTrial();
        assertThat(lineage.store("golf-mini").readTrial(root)).isPresent();
        assertThat(runRequests()).anySatisfy(r -> {
            assertThat(r.trialId()).isEqualTo(root);
            assertThat(r.commit()).isEqualTo(lineage.store("golf-mini").readTrial(root).orElseThrow().commitId());
        });
    }

    @Test
    void givenAProposalDeliveredTwice_thenOneTrialIsCommittedAndOneRunRequested() throws Exception {
        String root = rootTrial();
        String id = UUID.randomUUID().toString();
        Proposal proposal = proposal(id, root, "A slightly lower LR should not hurt.", lrDiff(root));
        send(proposal);
        send(proposal);

        String trialId = awaitTrial(id);
        given().get("/api/proposals/" + id).then().statusCode(200).body("status", equalTo("queued"));
        var info = lineage.store("golf-mini").readTrial(trialId).orElseThrow();
        assertThat(info.trailers()).containsEntry("Looplab-Parent", root)
                .containsEntry("Looplab-Specialist", "test-specialist").containsEntry("Looplab-Campaign", CAMPAIGN);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(runRequests().stream().filter(r -> r.trialId().equals(trialId))).hasSize(1));
        assertThat(QuarkusTransaction.requiringNew().call(() -> trials.count("proposalId", id))).isEqualTo(1);
    }

    @Test
    void givenADiffThatDoesNotApply_thenTheTrialIsPreflightRejectedWithoutACommit() throws Exception {
        String root = rootTrial();
        String id = UUID.randomUUID().toString();
        send(proposal(id, root, "Context that is not there must be refused.",
                LineageStore.unifiedDiff("Recipe.java", LR_LINE.formatted("9e-9f"), LR_LINE.formatted("8e-9f"))));

        String trialId = awaitTrial(id);
        given().get("/api/proposals/" + id).then().statusCode(200)
                .body("status", equalTo("preflight_reject")).body("reason", containsString("Recipe.java"));
        assertThat(lineage.store("golf-mini").readTrial(trialId)).isEmpty();
        assertThat(runRequests()).noneMatch(r -> r.trialId().equals(trialId));
    }

    @Test
    void givenADiffOutsideTheProposersSurface_thenTheTrialIsPreflightRejectedNamingTheKnob() throws Exception {
        String root = rootTrial();
        String recipe = recipe(root);
        String wider = recipe.replaceFirst("(static final int D_MODEL = )\\d+;", "$1128;");
        assertThat(wider).isNotEqualTo(recipe);
        String id = UUID.randomUUID().toString();
        send(proposal(id, root, "An optimizer specialist must not widen the model.",
                LineageStore.unifiedDiff("Recipe.java", recipe, wider)));

        String trialId = awaitTrial(id);
        given().get("/api/proposals/" + id).then().statusCode(200)
                .body("status", equalTo("preflight_reject"))
                .body("reason", containsString("D_MODEL")).body("reason", containsString("surface"));
        assertThat(lineage.store("golf-mini").readTrial(trialId)).isEmpty();

        String comment = LineageStore.unifiedDiff("Recipe.java", recipe, "// not a knob\n" + recipe);
        given().contentType("application/json")
                .body(Json.write(new Proposal(1, null, CAMPAIGN, "golf-mini", "s", "optimizer", root, "h", 0.0, comment, 0)))
                .post("/api/proposals").then().statusCode(422).body("reason", containsString("not a knob line"));
    }

    @Test
    void givenBadFields_whenPostedByHttp_thenEachIsRefusedByName() {
        String root = rootTrial();
        String diff = lrDiff(root);
        given().contentType("application/json")
                .body(Json.write(new Proposal(1, null, CAMPAIGN, "no-such-task", "s", "optimizer", root, "h", 0.0, diff, 0)))
                .post("/api/proposals").then().statusCode(422).body("reason", containsString("no-such-task"));
        given().contentType("application/json")
                .body(Json.write(new Proposal(1, null, CAMPAIGN, "golf-mini", "s", "optimizer", "9999999", "h", 0.0, diff, 0)))
                .post("/api/proposals").then().statusCode(422).body("reason", containsString("9999999"));
        given().contentType("application/json")
                .body(Json.write(new Proposal(1, null, CAMPAIGN, "golf-mini", "s", "optimizer", root, " ", 0.0, diff, 0)))
                .post("/api/proposals").then().statusCode(422).body("reason", containsString("hypothesis"));
        given().contentType("application/json")
                .body(Json.write(new Proposal(1, null, CAMPAIGN, "golf-mini", "s", "no-such-surface", root, "h", 0.0, diff, 0)))
                .post("/api/proposals").then().statusCode(422).body("reason", containsString("no-such-surface"));
    }

    @Test
    void givenAWorkerReportsTwice_thenTheOutcomeIsRecordedOnceWithANoteAndTheBestMoves() throws Exception {
        String root = rootTrial();
        String id = UUID.randomUUID().toString();
        send(proposal(id, root, "Worker events are recorded once.", lrDiff(root)));
        String trialId = awaitTrial(id);

        Measurement measurement = new Measurement(TrialStatus.scored, 2.5, Direction.lower, Map.of("val_bpb", 2.5),
                10, 2, 12345, 1337, "golf-mini", "test", "abc", "val_bpb 2.5000.");
        TrialEvent finished = new TrialEvent(TrialEvent.SCHEMA, trialId, 1, TrialEvent.Type.FINISHED, "test-worker",
                System.currentTimeMillis(), null, measurement,
                List.of(new ArtifactRef("model.bin", "sha256/00", 10, "00")));
        sendEvent(finished);
        sendEvent(finished);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/trials/" + trialId).then().statusCode(200).body("score", equalTo(2.5f)));
        var trial = given().get("/api/trials/" + trialId).then().extract().jsonPath();
        assertThat(trial.getString("status")).isIn("keep", "discard");
        assertThat(trial.getList("artifacts")).hasSize(1);
        assertThat(lineage.store("golf-mini").outcomeNote(trialId)).hasValueSatisfying(note ->
                assertThat(note).contains("Outcome of trial " + trialId).contains("2.500000"));

        // and: the note the platform wrote reads back whole, and the lineage index sees the row's status and score
        OutcomeNote note = OutcomeNote.parse(lineage.store("golf-mini").outcomeNote(trialId).orElseThrow());
        assertThat(note.status().name()).isEqualTo(trial.getString("status"));
        assertThat(note.score()).isEqualTo(2.5);
        assertThat(note.parentTrial()).isEqualTo(root);
        assertThat(note.metrics()).containsEntry("val_bpb", 2.5);
        assertThat(note.artifacts()).containsExactly(new ArtifactRef("model.bin", "sha256/00", 10, "00"));
        assertThat(note.worker()).isEqualTo("test-worker");
        assertThat(lineage.store("golf-mini").chainRows(trialId)).last().satisfies(row -> {
            assertThat(row.status()).isEqualTo(note.status());
            assertThat(row.score()).isEqualTo(2.5);
        });
    }

    @Test
    void givenPoisonRecordsOnBothTopics_thenEachIsDeadLetteredWithItsReason_andTheIntakeGoesOn() throws Exception {
        String root = rootTrial();
        String big = "x".repeat(900_000);
        Map<String, byte[]> poison = new java.util.LinkedHashMap<>();
        poison.put("tombstone-" + UUID.randomUUID(), null);
        poison.put("empty-" + UUID.randomUUID(), new byte[0]);
        poison.put("bytes-" + UUID.randomUUID(), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
        poison.put("json-" + UUID.randomUUID(), "{\"proposalId\": ".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        poison.put("schema-" + UUID.randomUUID(), "{\"schema\": 99, \"trialId\": \"1\", \"type\": \"FINISHED\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        poison.put("huge-" + UUID.randomUUID(), ("{\"schema\": 1, \"note\": \"" + big + "\"")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String topic : List.of(Topics.PROPOSALS, Topics.TRIAL_EVENTS)) {
            for (var entry : poison.entrySet()) {
                TestTopics.produceBytes(bootstrap, topic, entry.getKey(), entry.getValue());
            }
        }
        // a proposal whose hypothesis is almost a megabyte is refused by name, not dead-lettered
        String hugeId = UUID.randomUUID().toString();
        send(proposal(hugeId, root, "h".repeat(900_000), lrDiff(root)));

        // then: a valid proposal sent after them is still accepted (no record stopped the intake)
        String id = UUID.randomUUID().toString();
        send(proposal(id, root, "Sent after poison records.", lrDiff(root)));
        awaitTrial(id);
        given().get("/api/proposals/" + hugeId).then().statusCode(200).body("status", equalTo("rejected"))
                .body("reason", containsString("hypothesis is 900000 characters"));

        // and: every poison record is on looplab.dead-letters once per topic, with a reason saying what it was
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<DeadLetter> letters = TestTopics.read(bootstrap, Topics.DEAD_LETTERS, DeadLetter.class);
            for (String topic : List.of(Topics.PROPOSALS, Topics.TRIAL_EVENTS)) {
                Map<String, DeadLetter> byKey = letters.stream().filter(l -> l.topic().equals(topic))
                        .filter(l -> poison.containsKey(l.key()))
                        .collect(java.util.stream.Collectors.toMap(DeadLetter::key, l -> l, (a, b) -> a));
                assertThat(byKey).as("dead letters of %s", topic).hasSize(poison.size());
                byKey.forEach((key, letter) -> {
                    assertThat(letter.offset()).isNotNegative();
                    assertThat(letter.consumer()).startsWith("platform");
                    String expected = key.startsWith("tombstone") ? "no value (a tombstone)"
                            : key.startsWith("empty") ? "value is empty"
                            : key.startsWith("bytes") ? "not UTF-8 text"
                            : key.startsWith("schema") ? "schema version 99"
                            : "not a valid";
                    assertThat(letter.reason()).as(key).contains(expected);
                });
                assertThat(byKey.values()).filteredOn(l -> l.key().startsWith("bytes")).singleElement()
                        .satisfies(l -> assertThat(l.valueEncoding()).isEqualTo("base64"));
                assertThat(byKey.values()).filteredOn(l -> l.key().startsWith("huge")).singleElement()
                        .satisfies(l -> assertThat(l.truncated()).isTrue());
            }
        });

        // and: /q/metrics counts them, the proposals by result, and the consumers' lag
        String metrics = await().atMost(Duration.ofSeconds(30)).until(
                () -> given().get("/q/metrics").then().statusCode(200).extract().asString(),
                text -> text.contains("looplab_consumer_lag{group=\"looplab-platform\",topic=\"looplab.proposals\"}"));
        assertThat(metrics).containsPattern("looplab_dead_letters_total\\{[^}]*topic=\"looplab.proposals\"[^}]*} [1-9]")
                .containsPattern("looplab_dead_letters_total\\{[^}]*topic=\"looplab.trial-events\"[^}]*} [1-9]")
                .containsPattern("looplab_proposals_total\\{[^}]*result=\"accepted\"[^}]*} [1-9]")
                .containsPattern("looplab_proposals_total\\{[^}]*result=\"refused\"[^}]*} [1-9]")
                .contains("looplab_trials{status=\"queued\"").contains("kafka_consumer_fetch_manager_records_lag")
                .contains("looplab_consumer_lag{group=\"looplab-platform\",topic=\"looplab.trial-events\"}");
    }

    @Test
    void givenEveryServiceUp_thenTheHealthEndpointsSayReadyAndNameWhatTheyChecked() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        var ready = given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .extract().jsonPath();
        assertThat(ready.getList("checks.name", String.class)).contains("artifact store", "lineage repositories")
                .anySatisfy(name -> assertThat(name).containsIgnoringCase("database"))
                .anySatisfy(name -> assertThat(name).containsIgnoringCase("messaging"));
    }

    @Test
    void theBrowserTakesTheStatusListFromTrialStatus() {
        var statuses = given().get("/api/statuses").then().statusCode(200).extract().jsonPath();

        assertThat(statuses.getList("name", String.class)).containsExactly(
                java.util.Arrays.stream(TrialStatus.values()).map(Enum::name).toArray(String[]::new));
        assertThat(statuses.getString("find { it.name == 'running' }.group")).isEqualTo("in_flight");
        assertThat(statuses.getString("find { it.name == 'worker_lost' }.group")).isEqualTo("failure");
        assertThat(statuses.getString("find { it.name == 'keep' }.group")).isEqualTo("keep");
        assertThat(statuses.getBoolean("find { it.name == 'keep' }.finalStatus")).isTrue();
    }

    // ---- helpers

    private String rootTrial() {
        return given().get("/api/campaigns/" + CAMPAIGN).then().statusCode(200).extract().path("rootTrialId");
    }

    private static final String LR_LINE = "    static final float LR = %s; // @knob surface=optimizer range=[1e-4,3e-2]\n";

    /** A diff on the optimizer surface: LR set to a value no other test uses. */
    private String lrDiff(String root) {
        String recipe = recipe(root);
        String lr = String.format(java.util.Locale.ROOT, "%.7ff", 1e-3 + 4e-3 * Math.random());
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + lr + ";");
        assertThat(edited).isNotEqualTo(recipe);
        return LineageStore.unifiedDiff("Recipe.java", recipe, edited);
    }

    private String recipe(String trial) {
        return given().get("/api/trials/" + trial + "/files/Recipe.java").then().statusCode(200).extract().asString();
    }

    private String awaitTrial(String proposalId) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> QuarkusTransaction.requiringNew().call(() -> trials.findByProposal(proposalId)
                        .map(t -> t.id).orElse(null)), id -> id != null);
    }

    private static Proposal proposal(String id, String parent, String hypothesis, String diff) {
        return new Proposal(Proposal.SCHEMA, id, CAMPAIGN, "golf-mini", "test-specialist", "optimizer", parent,
                hypothesis, -0.01, diff, System.currentTimeMillis());
    }

    private void send(Proposal p) throws Exception {
        produce(Topics.PROPOSALS, p.campaign(), Json.write(p));
    }

    private void sendEvent(TrialEvent e) throws Exception {
        produce(Topics.TRIAL_EVENTS, e.trialId(), Json.write(e));
    }

    private void produce(String topic, String key, String value) throws Exception {
        TestTopics.produce(bootstrap, topic, key, value);
    }

    private List<RunRequest> runRequests() {
        return TestTopics.runRequests(bootstrap);
    }
}
