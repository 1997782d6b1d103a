package dev.looplab.platform.outcome;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import dev.looplab.platform.support.TestTopics;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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

/**
 * Confirm before keep, with planted scores: a candidate whose one run beats the best by more than 2 sigma is
 * run again with another seed and kept only when the mean of its runs still clears max(threshold, 2 sigma)
 * against the best's mean; a lucky first run is discarded, and the outcome says which runs decided.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@TestProfile(ConfirmBeforeKeepTest.OneConfirmation.class)
class ConfirmBeforeKeepTest {
    private static final String CAMPAIGN = "platform-test";
    private static final String TASK = "golf-mini";

    /** One confirmation run per would-be best. */
    public static class OneConfirmation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("looplab.campaign.confirm-runs", "1");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    TrialRepository trials;
    @Inject
    LineageService lineage;

    @Test
    void givenALuckyFirstRun_thenItsConfirmationDecides_andOnlyAConfirmedGainBecomesTheBest() throws Exception {
        // given: the baseline scores 4.00, 3.95 and 4.05 (sigma 0.05, 2 sigma 0.10)
        String root = given().get("/api/campaigns/" + CAMPAIGN).then().statusCode(200).extract().path("rootTrialId");
        List<String> noise = given().get("/api/trials?campaign=" + CAMPAIGN).then().extract().jsonPath()
                .getList("findAll { it.kind == 'noise' }.id");
        // and a second campaign on the task, opened while the shared baseline still trains
        String second = "shares-root-" + UUID.randomUUID();
        given().contentType("application/json").body(Map.of("campaign", second, "task", TASK, "team", "random"))
                .post("/api/campaigns").then().statusCode(201).body("rootTrialId", org.hamcrest.Matchers.equalTo(root))
                .body("bestTrialId", org.hamcrest.Matchers.nullValue());
        finish(root, 4.00);
        finish(noise.get(0), 3.95);
        finish(noise.get(1), 4.05);
        await().atMost(Duration.ofSeconds(30)).until(() -> "keep".equals(status(root)));
        // then the baseline is the best of both campaigns (without it the second one never proposed)
        assertThat(given().get("/api/campaigns/" + second).then().extract().<String>path("bestTrialId")).isEqualTo(root);
        assertThat(lineage.store(TASK).bestTrial(second)).contains(root);
        given().post("/api/campaigns/" + second + "/stop").then().statusCode(200);

        // when: a candidate's first run scores 3.80 (0.20 better: it would be kept on one run)...
        String lucky = propose(root);
        finish(lucky, 3.80);
        // then: it waits for a confirmation run of its commit with another seed, and the best does not move yet
        String luckyCheck = awaitConfirmationOf(lucky);
        assertThat(status(lucky)).isEqualTo("evaluating");
        assertThat(given().get("/api/campaigns/" + CAMPAIGN).then().extract().<String>path("bestTrialId")).isEqualTo(root);

        // ...and its confirmation scores 4.02: the mean 3.91 beats the best's mean 4.00 by only 0.09
        finish(luckyCheck, 4.02);
        await().atMost(Duration.ofSeconds(30)).until(() -> "discard".equals(status(lucky)));
        JsonPath discarded = trial(lucky);
        assertThat(discarded.getString("keepRule")).startsWith("confirmed-");
        assertThat(discarded.getString("feedback")).contains("mean 3.9100 of its 2 runs")
                .contains("best's mean 4.0000 of 3 runs").contains("confirmations [" + luckyCheck + "]");
        assertThat(given().get("/api/campaigns/" + CAMPAIGN).then().extract().<String>path("bestTrialId")).isEqualTo(root);

        // when: a real gain: 3.80 and then 3.82 (mean 3.81, 0.19 better than 4.00)
        String real = propose(root);
        finish(real, 3.80);
        String realCheck = awaitConfirmationOf(real);
        finish(realCheck, 3.82);

        // then: it is kept, the best moves to it with the mean of its runs, and its note says which runs decided
        await().atMost(Duration.ofSeconds(30)).until(() -> "keep".equals(status(real)));
        assertThat(given().get("/api/campaigns/" + CAMPAIGN).then().extract().<String>path("bestTrialId")).isEqualTo(real);
        assertThat(given().get("/api/campaigns/" + CAMPAIGN).then().extract().<Float>path("bestScore").doubleValue())
                .isCloseTo(3.81, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(lineage.store(TASK).bestTrial(CAMPAIGN)).contains(real);
        OutcomeNote note = OutcomeNote.parse(lineage.store(TASK).outcomeNote(real).orElseThrow());
        assertThat(note.status()).isEqualTo(TrialStatus.keep);
        assertThat(note.keepRule()).startsWith("confirmed-");
        assertThat(note.feedback()).contains("confirms the gain").contains("confirmations [" + realCheck + "]");
        // and sigma now pools the baseline and the confirmed candidates (5 runs of 3 recipes... of 2 with spread)
        assertThat(trial(real).getString("feedback")).contains("runs of");
    }

    // ---- helpers

    private String awaitConfirmationOf(String candidate) {
        String run = await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/trials?campaign=" + CAMPAIGN)
                .then().extract().jsonPath().<String>get("find { it.kind == 'confirm' && it.parentTrialId == '"
                        + candidate + "' }.id"), id -> id != null);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TestTopics.runRequests(bootstrap))
                .anySatisfy(r -> {
                    assertThat(r.trialId()).isEqualTo(run);
                    assertThat(r.commit()).isEqualTo(trial(candidate).getString("commitId"));
                    assertThat(r.seed()).isNotEqualTo(trial(candidate).getLong("seed"));
                }));
        return run;
    }

    private String status(String trial) {
        return given().get("/api/trials/" + trial).then().extract().path("status");
    }

    private JsonPath trial(String trial) {
        return given().get("/api/trials/" + trial).then().statusCode(200).extract().jsonPath();
    }

    private String propose(String root) throws Exception {
        String id = UUID.randomUUID().toString();
        String recipe = given().get("/api/trials/" + root + "/files/Recipe.java").then().statusCode(200).extract()
                .asString();
        String lr = String.format(Locale.ROOT, "%.7ff", 1e-3 + 4e-3 * Math.random());
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + lr + ";");
        TestTopics.produce(bootstrap, Topics.PROPOSALS, CAMPAIGN, Json.write(new Proposal(Proposal.SCHEMA, id, CAMPAIGN,
                TASK, "test-specialist", "optimizer", root, "LR " + lr + " for the confirmation test.", -0.01,
                LineageStore.unifiedDiff("Recipe.java", recipe, edited), System.currentTimeMillis())));
        return await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> trials.findByProposal(id).map(t -> t.id).orElse(null)), t -> t != null);
    }

    private void finish(String trialId, double score) throws Exception {
        Measurement m = new Measurement(TrialStatus.scored, score, Direction.lower, Map.of("val_bpb", score), 30, 2,
                1000, 1337, "golf-mini-bpb", "test", "abc", String.format(Locale.ROOT, "val_bpb %.4f.", score));
        TrialEvent finished = new TrialEvent(TrialEvent.SCHEMA, trialId, 1, TrialEvent.Type.FINISHED, "test-worker",
                System.currentTimeMillis(), null, m, List.of(), null, Map.of("cpu", "Test CPU", "threads", "1"));
        TestTopics.produce(bootstrap, Topics.TRIAL_EVENTS, trialId, Json.write(finished));
    }
}
