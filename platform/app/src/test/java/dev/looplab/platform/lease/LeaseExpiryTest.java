package dev.looplab.platform.lease;

import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.events.Json;
import dev.looplab.events.LeaseClaim;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Proposal;
import dev.looplab.events.RunRequest;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.lineage.LineageStore;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Leases against real Kafka, PostgreSQL and Git with a 2 s TTL: the test plays the workers, claiming
 * attempts by HTTP and renewing them with HEARTBEAT events, and watches run requests and outcomes.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@TestProfile(LeaseExpiryTest.ShortLeases.class)
class LeaseExpiryTest {
    private static final String CAMPAIGN = "platform-test";
    private static final String LR_LINE = "(static final float LR = )[^;]+;";

    /** Leases short enough to expire within a test; two lost attempts make a worker_lost. */
    public static class ShortLeases implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("looplab.leases.ttl", "2s", "looplab.leases.check-interval", "500ms",
                    "looplab.leases.max-attempts", "2");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    LineageService lineage;
    @Inject
    LeaseMonitor monitor;

    private KafkaConsumer<String, String> watcher;
    private final List<RunRequest> runRequests = new ArrayList<>();
    private final List<OutcomeRecorded> outcomes = new ArrayList<>();

    @BeforeEach
    void watchTopics() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "lease-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        watcher = new KafkaConsumer<>(props);
        watcher.subscribe(List.of(Topics.RUNS, Topics.OUTCOMES));
    }

    @AfterEach
    void stopWatching() {
        watcher.close();
    }

    @Test
    void givenWorkersThatStopRenewing_thenTheTrialIsRequeuedOnceAndThenRecordedAsWorkerLost() throws Exception {
        String trial = newTrial("Leases expire when nobody renews them.");
        claim(trial, 1, "worker-a").statusCode(200).body("attempt", equalTo(1)).body("heartbeatSeconds", equalTo(1));

        // worker-a never renews: after the TTL the monitor asks for attempt 2
        awaitRunRequest(trial, 2);
        claim(trial, 1, "worker-b").statusCode(409).body("reason", containsString("superseded by attempt 2"));
        claim(trial, 2, "worker-b").statusCode(200);

        // worker-b dies too: the second lost attempt is the last one
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/trials/" + trial).then().body("status", equalTo("worker_lost")));
        given().get("/api/trials/" + trial).then()
                .body("reason", containsString("attempt 1 on worker worker-a"))
                .body("reason", containsString("attempt 2 on worker worker-b"))
                .body("reason", containsString("looplab.leases.max-attempts"));
        assertThat(lineage.store("golf-mini").outcomeNote(trial)).hasValueSatisfying(note ->
                assertThat(note).contains("Outcome of trial " + trial + ": worker_lost"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(outcomesOf(trial))
                .singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(TrialStatus.worker_lost)));
        assertThat(runRequestsOf(trial)).extracting(RunRequest::attempt).containsExactly(1, 2);

        // a late report of the lost attempt changes nothing
        sendEvent(finished(trial, 2, "worker-b", 2.0));
        claim(trial, 3, "worker-c").statusCode(409).body("reason", containsString("already recorded as worker_lost"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            given().get("/api/trials/" + trial).then().body("status", equalTo("worker_lost"));
            assertThat(outcomesOf(trial)).hasSize(1);
        });
    }

    @Test
    void givenAWorkerThatRenewsItsLease_thenNoOtherAttemptRunsAndOnlyItsOutcomeIsRecorded() throws Exception {
        String trial = newTrial("A renewed lease outlives its TTL.");
        claim(trial, 1, "worker-a").statusCode(200);
        claim(trial, 1, "worker-b").statusCode(409).body("reason", containsString("held by worker worker-a"));

        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        try {
            heartbeats.scheduleAtFixedRate(() -> sendEvent(event(trial, 1, "worker-a", TrialEvent.Type.HEARTBEAT)),
                    0, 500, TimeUnit.MILLISECONDS);
            // three TTLs pass without a second attempt
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(runRequestsOf(trial)).extracting(RunRequest::attempt).containsExactly(1));
        } finally {
            heartbeats.shutdownNow();
        }

        sendEvent(finished(trial, 1, "worker-b", 9.0));
        sendEvent(finished(trial, 1, "worker-a", 2.5));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/trials/" + trial).then().body("score", equalTo(2.5f)));
        assertThat(outcomesOf(trial)).hasSize(1);
    }

    @Test
    void givenAWorkerThatStops_whenItHandsItsAttemptBack_thenTheNextAttemptIsQueuedAtOnceWithoutCountingAsLost() {
        String trial = newTrial("A handed-back attempt is re-queued at once.");
        claim(trial, 1, "worker-a").statusCode(200);
        given().contentType("application/json").body(Json.write(new LeaseClaim("worker-b", "stopping")))
                .post("/api/trials/" + trial + "/attempts/1/handback").then().statusCode(409)
                .body("reason", containsString("does not hold attempt 1"));

        given().contentType("application/json").body(Json.write(new LeaseClaim("worker-a", "stopping")))
                .post("/api/trials/" + trial + "/attempts/1/handback").then().statusCode(200)
                .body("attempt", equalTo(2));
        awaitRunRequest(trial, 2);
        given().get("/api/trials/" + trial).then().body("status", equalTo("queued"));

        // attempt 2 is lost, but only one attempt counts as lost: a third is queued, not worker_lost
        claim(trial, 2, "worker-b").statusCode(200);
        awaitRunRequest(trial, 3);
        given().get("/api/trials/" + trial).then().body("status", equalTo("queued"));
    }

    @Test
    void givenASupersededAttemptThatFinishesFirst_thenItsResultIsRecordedOnceAndTheSuccessorIsTold() throws Exception {
        String trial = newTrial("The first valid result wins.");
        claim(trial, 1, "worker-a").statusCode(200);

        // worker-a is slow to renew: attempt 2 is queued and worker-b takes it, renewing over REST
        awaitRunRequest(trial, 2);
        claim(trial, 2, "worker-b").statusCode(200);
        heartbeat(trial, 2, "worker-b").statusCode(200).body("attempt", equalTo(2));
        // worker-a's heartbeat is told to go on: its lease lapsed, but nothing beat it yet
        heartbeat(trial, 1, "worker-a").statusCode(200);

        // when worker-a finishes first
        sendEvent(finished(trial, 1, "worker-a", 2.25));

        // then its score is the trial's, recorded once, and worker-b's next heartbeat is told to stop
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/trials/" + trial).then().body("score", equalTo(2.25f)).body("worker", equalTo("worker-a")));
        heartbeat(trial, 2, "worker-b").statusCode(409).body("reason", containsString("already recorded"));
        sendEvent(finished(trial, 2, "worker-b", 9.0));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            given().get("/api/trials/" + trial).then().body("score", equalTo(2.25f));
            assertThat(outcomesOf(trial)).hasSize(1);
        });
    }

    @Test
    void givenThePlatformStoppedWatching_thenOpenLeasesGetAFullTtlBeforeTheyCountAsLost() {
        String trial = newTrial("A platform outage is not the worker's fault.");
        claim(trial, 1, "worker-a").statusCode(200);

        // when the monitor notices it has not looked for a while (as after SIGSTOP/SIGCONT or a restart)
        monitor.forgetLastCheck();

        // then the lease survives the next check although worker-a sent nothing for its TTL...
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(runRequestsOf(trial)).extracting(RunRequest::attempt).containsExactly(1));
        // ...and a heartbeat over REST keeps it, while silence after the grace loses it as before
        heartbeat(trial, 1, "worker-a").statusCode(200);
        awaitRunRequest(trial, 2);
    }

    @Test
    void givenClaimsThatCannotBeGranted_thenEachSaysWhy() {
        given().contentType("application/json").body(Json.write(new LeaseClaim("worker-a", null)))
                .post("/api/trials/no-such-trial/attempts/1/claim").then().statusCode(404)
                .body("reason", containsString("no-such-trial"));
        String trial = newTrial("A claim without a worker is refused.");
        given().contentType("application/json").body("{}")
                .post("/api/trials/" + trial + "/attempts/1/claim").then().statusCode(409)
                .body("reason", containsString("worker is empty"));
    }

    // ---- helpers

    private String newTrial(String hypothesis) {
        String root = given().get("/api/campaigns/" + CAMPAIGN).then().statusCode(200).extract().path("rootTrialId");
        String recipe = given().get("/api/trials/" + root + "/files/Recipe.java").then().statusCode(200)
                .extract().asString();
        String lr = String.format(Locale.ROOT, "%.7ff", 1e-3 + 4e-3 * Math.random());
        String diff = LineageStore.unifiedDiff("Recipe.java", recipe, recipe.replaceFirst(LR_LINE, "$1" + lr + ";"));
        Proposal p = new Proposal(Proposal.SCHEMA, UUID.randomUUID().toString(), CAMPAIGN, "golf-mini",
                "test-specialist", "optimizer", root, hypothesis, -0.01, diff, System.currentTimeMillis());
        String trial = given().contentType("application/json").body(Json.write(p)).post("/api/proposals")
                .then().statusCode(201).extract().path("trialId");
        awaitRunRequest(trial, 1);
        return trial;
    }

    private static ValidatableResponse heartbeat(String trial, int attempt, String worker) {
        return given().contentType("application/json").body(Json.write(new LeaseClaim(worker, null)))
                .post("/api/trials/" + trial + "/attempts/" + attempt + "/heartbeat").then();
    }

    private static ValidatableResponse claim(String trial, int attempt, String worker) {
        return given().contentType("application/json").body(Json.write(new LeaseClaim(worker, null)))
                .post("/api/trials/" + trial + "/attempts/" + attempt + "/claim").then();
    }

    private void awaitRunRequest(String trial, int attempt) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                runRequestsOf(trial).stream().anyMatch(r -> r.attempt() == attempt));
    }

    private synchronized List<RunRequest> runRequestsOf(String trial) {
        drain();
        return runRequests.stream().filter(r -> r.trialId().equals(trial)).toList();
    }

    private synchronized List<OutcomeRecorded> outcomesOf(String trial) {
        drain();
        return outcomes.stream().filter(o -> trial.equals(o.trialId())).toList();
    }

    private void drain() {
        watcher.poll(Duration.ofMillis(300)).forEach(r -> {
            if (r.topic().equals(Topics.RUNS)) {
                runRequests.add(Json.read(r.value(), RunRequest.class));
            } else {
                outcomes.add(Json.read(r.value(), OutcomeRecorded.class));
            }
        });
    }

    private static TrialEvent event(String trial, int attempt, String worker, TrialEvent.Type type) {
        return new TrialEvent(TrialEvent.SCHEMA, trial, attempt, type, worker, System.currentTimeMillis(), null,
                null, null);
    }

    private static TrialEvent finished(String trial, int attempt, String worker, double score) {
        Measurement m = new Measurement(TrialStatus.scored, score, Direction.lower, Map.of("val_bpb", score), 1, 1, 10,
                1337, "golf-mini", "test", "abc", "val_bpb " + score);
        return new TrialEvent(TrialEvent.SCHEMA, trial, attempt, TrialEvent.Type.FINISHED, worker,
                System.currentTimeMillis(), null, m, List.of());
    }

    private void sendEvent(TrialEvent e) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(Topics.TRIAL_EVENTS, e.trialId(), Json.write(e))).get(30, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
