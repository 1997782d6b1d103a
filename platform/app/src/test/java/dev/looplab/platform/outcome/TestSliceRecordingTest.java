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
import dev.looplab.platform.trial.Trial;
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
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The test slice no trial is selected on: the evaluator's test score is recorded only for a trial that becomes the
 * campaign's best (on one run, or after its confirmation runs), in the outcome note, the trial row and the browse
 * JSON; a trial that is discarded, a noise run and a confirmation run keep none.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@TestProfile(TestSliceRecordingTest.OneConfirmation.class)
class TestSliceRecordingTest {
    private static final String CAMPAIGN = "platform-test";
    private static final String TASK = "golf-mini";

    /** One confirmation run per would-be best, so both ways of becoming the best are taken. */
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
    void givenScoredTrials_thenOnlyEachNewBestRecordsItsTestScore_inTheNoteTheRowAndTheBrowseJson() throws Exception {
        // given: the baseline scores 4.00 on the validation slice and 4.20 on the test slice, and its noise runs
        // measure test scores too
        String root = given().get("/api/campaigns/" + CAMPAIGN).then().statusCode(200).extract().path("rootTrialId");
        List<String> noise = given().get("/api/trials?campaign=" + CAMPAIGN).then().extract().jsonPath()
                .getList("findAll { it.kind == 'noise' }.id");
        finish(root, 4.00, 4.20);
        finish(noise.get(0), 3.95, 4.19);
        finish(noise.get(1), 4.05, 4.21);
        await().atMost(Duration.ofSeconds(30)).until(() -> "keep".equals(status(root)));

        // then: the root, the first best, has its test score beside its score everywhere
        assertThat(trial(root).getDouble("testScore")).isCloseTo(4.20, within(1e-6));
        assertThat(note(root).testScore()).isEqualTo(4.20);
        assertThat(lineage.store(TASK).outcomeNote(root).orElseThrow()).contains("test: 4.200000");
        assertThat(row(root).getDouble("testScore")).isCloseTo(4.20, within(1e-6));
        // and the noise runs, never a best, have none
        for (String run : noise) {
            await().atMost(Duration.ofSeconds(30)).until(() -> trial(run).get("recordedAt") != null);
            assertThat(dbTestScore(run)).isNull();
        }

        // when: a candidate scores worse than the best on validation (but would look great on test)
        String worse = propose(root);
        finish(worse, 4.30, 3.00);
        await().atMost(Duration.ofSeconds(30)).until(() -> "discard".equals(status(worse)));

        // then: it records no test score, not in the row, the REST and browse JSON, nor the note
        assertThat(dbTestScore(worse)).isNull();
        assertThat(trial(worse).<Object>get("testScore")).isNull();
        assertThat(row(worse).<Object>get("testScore")).isNull();
        assertThat(note(worse).testScore()).isNull();
        assertThat(lineage.store(TASK).outcomeNote(worse).orElseThrow()).doesNotContain("test:");

        // when: a lucky first run (3.80) is not confirmed (4.02): it was a would-be best, held while its runs decided
        String lucky = propose(root);
        finish(lucky, 3.80, 4.10);
        String luckyCheck = awaitConfirmationOf(lucky);
        finish(luckyCheck, 4.02, 4.15);
        await().atMost(Duration.ofSeconds(30)).until(() -> "discard".equals(status(lucky)));

        // then: discarded, it keeps no test score, and neither does its confirmation run
        assertThat(dbTestScore(lucky)).isNull();
        assertThat(QuarkusTransaction.requiringNew().call(() -> trials.findById(lucky).pendingTestScore)).isNull();
        assertThat(trial(lucky).<Object>get("testScore")).isNull();
        assertThat(note(lucky).testScore()).isNull();
        assertThat(dbTestScore(luckyCheck)).isNull();

        // when: a real gain is confirmed (3.80 then 3.82) and becomes the best
        String real = propose(root);
        finish(real, 3.80, 4.05);
        String realCheck = awaitConfirmationOf(real);
        finish(realCheck, 3.82, 4.07);
        await().atMost(Duration.ofSeconds(30)).until(() -> "keep".equals(status(real)));

        // then: the new best carries its first run's test score in the row, the note and the browse JSON
        assertThat(dbTestScore(real)).isEqualTo(4.05);
        assertThat(trial(real).getDouble("testScore")).isCloseTo(4.05, within(1e-6));
        assertThat(note(real).testScore()).isEqualTo(4.05);
        assertThat(row(real).getDouble("testScore")).isCloseTo(4.05, within(1e-6));
        assertThat(dbTestScore(realCheck)).isNull();
        // and the best-so-far line shows validation and test of each best, so overfitting the validation slice shows
        JsonPath best = given().get("/api/campaigns/" + CAMPAIGN + "/best-so-far").then().statusCode(200).extract()
                .jsonPath();
        assertThat(best.getList("keeps.trialId", String.class)).containsExactly(root, real);
        assertThat(best.getList("keeps.testScore", Float.class)).containsExactly(4.20f, 4.05f);
    }

    // ---- helpers

    private String awaitConfirmationOf(String candidate) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/trials?campaign=" + CAMPAIGN)
                .then().extract().jsonPath().<String>get("find { it.kind == 'confirm' && it.parentTrialId == '"
                        + candidate + "' }.id"), id -> id != null);
    }

    private String status(String trial) {
        return given().get("/api/trials/" + trial).then().extract().path("status");
    }

    private JsonPath trial(String trial) {
        return given().get("/api/trials/" + trial).then().statusCode(200).extract().jsonPath();
    }

    /** The trial's row in the campaign's browse page, as the trials table gets it. */
    private Row row(String trial) {
        JsonPath page = given().get("/api/campaigns/" + CAMPAIGN + "/trials?size=200").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Object> row = page.get("rows.find { it.id == '" + trial + "' }");
        assertThat(row).as("browse row of trial " + trial).isNotNull().containsKey("testScore");
        return new Row(row);
    }

    private record Row(Map<String, Object> json) {
        double getDouble(String key) {
            return ((Number) json.get(key)).doubleValue();
        }

        @SuppressWarnings("unchecked")
        <T> T get(String key) {
            return (T) json.get(key);
        }
    }

    private OutcomeNote note(String trial) {
        return OutcomeNote.parse(lineage.store(TASK).outcomeNote(trial).orElseThrow());
    }

    private Double dbTestScore(String trial) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Trial t = trials.findById(trial);
            return t.testScore;
        });
    }

    private String propose(String root) throws Exception {
        String id = UUID.randomUUID().toString();
        String recipe = given().get("/api/trials/" + root + "/files/Recipe.java").then().statusCode(200).extract()
                .asString();
        String lr = String.format(Locale.ROOT, "%.7ff", 1e-3 + 4e-3 * Math.random());
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + lr + ";");
        TestTopics.produce(bootstrap, Topics.PROPOSALS, CAMPAIGN, Json.write(new Proposal(Proposal.SCHEMA, id, CAMPAIGN,
                TASK, "test-specialist", "optimizer", root, "LR " + lr + " for the test slice test.", -0.01,
                LineageStore.unifiedDiff("Recipe.java", recipe, edited), System.currentTimeMillis())));
        return await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> trials.findByProposal(id).map(t -> t.id).orElse(null)), t -> t != null);
    }

    /** A FINISHED event whose measurement has {@code score} on the validation slice and {@code test} on the test slice. */
    private void finish(String trialId, double score, double test) throws Exception {
        Measurement m = new Measurement(TrialStatus.scored, score, Direction.lower, Map.of("val_bpb", score), 30, 2,
                1000, 1337, "golf-mini-bpb", "test", "abc", String.format(Locale.ROOT, "val_bpb %.4f.", score), test);
        TrialEvent finished = new TrialEvent(TrialEvent.SCHEMA, trialId, 1, TrialEvent.Type.FINISHED, "test-worker",
                System.currentTimeMillis(), null, m, List.of(), null, Map.of("cpu", "Test CPU", "threads", "1"));
        TestTopics.produce(bootstrap, Topics.TRIAL_EVENTS, trialId, Json.write(finished));
    }
}
