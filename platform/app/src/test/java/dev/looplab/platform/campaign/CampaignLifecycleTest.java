package dev.looplab.platform.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.lineage.LineageStore;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Campaigns through REST against real Kafka, PostgreSQL and git: started with a team and stop rules, paused,
 * resumed and stopped, with the platform refusing proposals to a campaign that does not run; what a proposer
 * reads about one (lineage rows, knowledge, the task).
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class CampaignLifecycleTest {

    @Inject
    LineageService lineage;
    @Inject
    CampaignRules rules;
    @Inject
    CampaignRepository campaigns;
    @Inject
    dev.looplab.platform.trial.TrialRepository trials;

    @Test
    void givenTrialsOfEveryKindAndEnding_thenTheCampaignCountsEachAsItsRuleSays() {
        // given a campaign of its own with a root, a noise run and proposals that ended every way
        String campaign = "counts-" + UUID.randomUUID();
        java.time.Instant t0 = java.time.Instant.parse("2026-12-01T08:00:00Z");
        Campaign c = new Campaign();
        c.id = campaign;
        c.task = "golf-mini";
        c.rootTrialId = campaign + "-" + t0.getEpochSecond();
        c.state = CampaignState.stopped; // nothing schedules its trials
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            campaigns.persist(c);
            trial(campaign, "root", dev.looplab.trial.TrialStatus.keep, true, t0, true);
            trial(campaign, "noise", dev.looplab.trial.TrialStatus.discard, true, t0.plusSeconds(1), true);
            trial(campaign, "proposal", dev.looplab.trial.TrialStatus.discard, true, t0.plusSeconds(2), true);
            trial(campaign, "proposal", dev.looplab.trial.TrialStatus.keep, true, t0.plusSeconds(3), true);
            trial(campaign, "proposal", dev.looplab.trial.TrialStatus.crash, true, t0.plusSeconds(4), true);
            trial(campaign, "proposal", dev.looplab.trial.TrialStatus.preflight_reject, true, t0.plusSeconds(5), false);
            trial(campaign, "proposal", dev.looplab.trial.TrialStatus.discard, true, t0.plusSeconds(6), true);
            trial(campaign, "proposal", dev.looplab.trial.TrialStatus.running, false, t0.plusSeconds(7), true);
        });

        // when the rules count it
        CampaignRules.Counts counts = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> rules.counts(c));

        // then: 5 proposals with a commit, 1 in flight, 7 recorded, 1 keep, 1 crash as the failure, 1 preflight
        // reject, and since the keep the crash and the discard were trained (the preflight reject cost nothing)
        assertThat(counts).isEqualTo(new CampaignRules.Counts(5, 1, 7, 1, 1, 1, 2));
    }

    private void trial(String campaign, String kind, dev.looplab.trial.TrialStatus status, boolean recorded,
                       java.time.Instant created, boolean committed) {
        dev.looplab.platform.trial.Trial t = new dev.looplab.platform.trial.Trial();
        t.id = campaign + "-" + created.getEpochSecond();
        t.campaignId = campaign;
        t.task = "golf-mini";
        t.specialist = "test";
        t.surface = "optimizer";
        t.hypothesis = "a " + kind + " trial that ends " + status;
        t.kind = kind;
        t.status = status;
        t.createdAt = created;
        t.recordedAt = recorded ? created.plusSeconds(30) : null;
        t.commitId = committed ? "c0ffee" + created.getEpochSecond() : null;
        trials.persist(t);
    }

    @Test
    void givenACampaignWithATrialBudget_whenPausedResumedAndSpent_thenProposalsAreTakenOnlyWhileItRuns() {
        // given the configured campaign, opened at start with the default team
        given().get("/api/campaigns").then().statusCode(200)
                .body("campaign", hasItem("platform-test"))
                .body("find { it.campaign == 'platform-test' }.team", equalTo("specialists"));

        // when a researcher starts a campaign with the random team and a budget of 2 trials
        String id = "life-" + UUID.randomUUID().toString().substring(0, 8);
        JsonPath started = given().contentType("application/json")
                .body(Map.of("campaign", id, "task", "golf-mini", "team", "random", "maxTrials", 2, "maxHours", 8))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath();
        assertThat(started.getString("state")).isEqualTo("running");
        assertThat(started.getString("team")).isEqualTo("random");
        assertThat(started.getInt("limits.maxTrials")).isEqualTo(2);
        assertThat(started.getInt("remainingTrials")).isEqualTo(2);
        assertThat(started.getInt("slots")).isGreaterThanOrEqualTo(1);
        String root = started.getString("rootTrialId");
        // and starting it again is a no-op
        given().contentType("application/json").body(Map.of("campaign", id, "task", "golf-mini"))
                .post("/api/campaigns").then().statusCode(200).body("team", equalTo("random"));

        // then a proposal is accepted while it runs
        given().contentType("application/json").body(Json.write(lrProposal(id, root, "1.1e-2f")))
                .post("/api/proposals").then().statusCode(201);

        // when it is paused, the next proposal is refused by name, with the fix
        given().post("/api/campaigns/" + id + "/pause").then().statusCode(200).body("state", equalTo("paused"));
        given().contentType("application/json").body(Json.write(lrProposal(id, root, "1.2e-2f")))
                .post("/api/proposals").then().statusCode(422)
                .body("reason", containsString("campaign '" + id + "' is paused"))
                .body("reason", containsString("looplab campaign resume " + id));

        // when resumed, it takes the second trial of its budget
        given().post("/api/campaigns/" + id + "/resume").then().statusCode(200).body("state", equalTo("running"));
        given().contentType("application/json").body(Json.write(lrProposal(id, root, "1.3e-2f")))
                .post("/api/proposals").then().statusCode(201);

        // then the budget is spent: the third is refused, and the campaign stopped, saying why
        given().contentType("application/json").body(Json.write(lrProposal(id, root, "1.4e-2f")))
                .post("/api/proposals").then().statusCode(422)
                .body("reason", containsString("trial budget reached: 2 of 2 trials accepted"));
        given().get("/api/campaigns/" + id).then().statusCode(200)
                .body("state", equalTo("stopped")).body("stopReason", startsWith("trial budget reached"))
                .body("counts.trials", equalTo(2)).body("remainingTrials", equalTo(0));
        // and a stopped campaign stays stopped
        given().post("/api/campaigns/" + id + "/resume").then().statusCode(409)
                .body("error", containsString("is stopped"));

        // and its lineage rows say what each trial changed
        JsonPath rows = given().get("/api/campaigns/" + id + "/lineage").then().statusCode(200).extract().jsonPath();
        assertThat(rows.getString("[0].trial")).isEqualTo(root);
        assertThat(rows.getList("trial")).hasSize(3);
        assertThat(rows.getString("[1].knobs.LR.from")).isEqualTo("1e-2f");
        assertThat(rows.getString("[1].knobs.LR.to")).isEqualTo("1.1e-2f");
        assertThat(rows.getString("[1].specialist")).isEqualTo("test-specialist");
        assertThat(rows.getString("[2].status")).isEqualTo("queued");
    }

    @Test
    void givenAStoppedCampaign_thenItsProposalsAreRefusedAndWrongInputIsNamed() {
        String id = "stop-" + UUID.randomUUID().toString().substring(0, 8);
        String root = given().contentType("application/json").body(Map.of("campaign", id, "task", "golf-mini"))
                .post("/api/campaigns").then().statusCode(201).body("team", equalTo("specialists"))
                .extract().path("rootTrialId");

        given().post("/api/campaigns/" + id + "/stop").then().statusCode(200).body("state", equalTo("stopped"));

        given().contentType("application/json").body(Json.write(lrProposal(id, root, "9e-3f")))
                .post("/api/proposals").then().statusCode(422)
                .body("reason", containsString("is stopped (stopped by a researcher)"));
        given().contentType("application/json").body(Map.of("task", "golf-mini", "team", "dream-team"))
                .post("/api/campaigns").then().statusCode(400)
                .body("error", containsString("team 'dream-team' is not a team"))
                .body("error", containsString("specialists"));
        given().contentType("application/json").body(Map.of("task", "no-such-task"))
                .post("/api/campaigns").then().statusCode(400).body("error", containsString("no-such-task"));
        given().contentType("application/json").body(Map.of("task", "golf-mini", "maxTrials", 0))
                .post("/api/campaigns").then().statusCode(400).body("error", containsString("maxTrials"));
        given().post("/api/campaigns/no-such-campaign/pause").then().statusCode(404);
    }

    @Test
    void givenAKnowledgeSummary_thenItIsServedAsMarkdownAndLivesInTheLineage() {
        given().get("/api/campaigns/platform-test/knowledge").then().statusCode(404)
                .body("error", containsString("no knowledge summary yet"));

        String markdown = "# Knowledge of platform-test\n\n- optimizer: LR 1e-2 -> 1.4e-2 kept (trial 7)\n";
        given().contentType("text/markdown").body(markdown).put("/api/campaigns/platform-test/knowledge")
                .then().statusCode(200).body("commit", org.hamcrest.Matchers.matchesPattern("[0-9a-f]{40}"));

        String served = given().get("/api/campaigns/platform-test/knowledge").then().statusCode(200)
                .contentType(startsWith("text/markdown")).extract().asString();
        assertThat(served).isEqualTo(markdown);
        assertThat(lineage.store("golf-mini").knowledge("platform-test")).hasValue(markdown);
        given().contentType("text/markdown").body("x".repeat(70_000)).put("/api/campaigns/platform-test/knowledge")
                .then().statusCode(413).body("error", containsString("keep it under"));
    }

    @Test
    void aLanguageModelsProposalKeepsItsModelAndTokensOnTheRowAndInTheCommit() {
        String root = given().get("/api/campaigns/platform-test").then().extract().path("rootTrialId");
        Proposal byModel = new Proposal(Proposal.SCHEMA, UUID.randomUUID().toString(), "platform-test", "golf-mini",
                "optimizer-llm", "optimizer", root, "A model thinks LR 1.05e-2 helps.", -0.01,
                lrDiff(root, "1.05e-2f"), System.currentTimeMillis(), "test-model-7b", 1234L, 56L);

        String trial = given().contentType("application/json").body(Json.write(byModel)).post("/api/proposals")
                .then().statusCode(201).extract().path("trialId");

        given().get("/api/trials/" + trial).then().statusCode(200).body("model", equalTo("test-model-7b"))
                .body("tokensIn", equalTo(1234)).body("tokensOut", equalTo(56))
                .body("knobChanges.LR.to", equalTo("1.05e-2f"));
        assertThat(lineage.store("golf-mini").readTrial(trial).orElseThrow().trailers())
                .containsEntry("Looplab-Model", "test-model-7b").containsEntry("Looplab-Tokens-In", "1234")
                .containsEntry("Looplab-Tokens-Out", "56");
    }

    @Test
    void theTasksAreServedWithTheirSurfacesBudgetsAndCap() {
        given().get("/api/tasks/golf-mini").then().statusCode(200)
                .body("entry", equalTo("Recipe.java")).body("artifactCapBytes", equalTo(1_000_000))
                .body("surfaces.optimizer", hasItem("LR")).body("surfaces.loop", hasItem("MEAN_LOOPS"))
                .body("trainBudgetSeconds", org.hamcrest.Matchers.greaterThan(0));
        given().get("/api/tasks/parameter-golf").then().statusCode(200)
                .body("entry", equalTo("train_gpt.py")).body("artifactCapBytes", equalTo(16_000_000));
        given().get("/api/tasks").then().statusCode(200).body("name", hasItem("airbench-mini"));
        given().get("/api/tasks/no-such-task").then().statusCode(404);
    }

    // ---- helpers

    private Proposal lrProposal(String campaign, String root, String lr) {
        return new Proposal(Proposal.SCHEMA, UUID.randomUUID().toString(), campaign, "golf-mini", "test-specialist",
                "optimizer", root, String.format(Locale.ROOT, "LR %s should help.", lr), -0.01, lrDiff(root, lr),
                System.currentTimeMillis());
    }

    private static String lrDiff(String root, String lr) {
        String recipe = given().get("/api/trials/" + root + "/files/Recipe.java").then().statusCode(200)
                .extract().asString();
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + lr + ";");
        return LineageStore.unifiedDiff("Recipe.java", recipe, edited);
    }
}
