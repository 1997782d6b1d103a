package dev.looplab.platform.browse;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialSpec;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.TrialStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The trial browser's read-only endpoints against the real platform: a campaign of six trials written to the
 * golf-mini lineage and to Postgres (two keeps, a discard, a crash, a refused proposal, one still queued).
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class BrowseResourceTest {
    private static final String CAMPAIGN = "browse-test";
    private static Map<String, String> ids;
    private static String root;

    @Inject
    TrialRepository trials;
    @Inject
    CampaignRepository campaigns;
    @Inject
    LineageService lineage;

    @BeforeEach
    void givenACampaignOfSixTrials() {
        if (ids != null) {
            return;
        }
        root = QuarkusTransaction.requiringNew().call(() -> campaigns.findById("platform-test").rootTrialId);
        LineageStore store = lineage.store("golf-mini");
        String recipe = store.readFile(root, "Recipe.java");
        ids = QuarkusTransaction.requiringNew().call(() -> Map.of("keep", trials.nextTrialId(),
                "discard", trials.nextTrialId(), "crash", trials.nextTrialId(), "refused", trials.nextTrialId(),
                "queued", trials.nextTrialId(), "second", trials.nextTrialId()));
        String lr1 = withLearningRate(recipe, "9e-3f");
        String lr2 = withLearningRate(recipe, "1.3e-2f");
        String lr3 = withLearningRate(recipe, "2e-2f");
        store.recordTrial(new TrialSpec(ids.get("keep"), root, CAMPAIGN, "optimizer", "optimizer",
                "Raise the learning rate so warmup ends sooner", LineageStore.unifiedDiff("Recipe.java", recipe, lr1)));
        store.recordTrial(new TrialSpec(ids.get("discard"), ids.get("keep"), CAMPAIGN, "schedule", "optimizer",
                "Longer cosine schedule", LineageStore.unifiedDiff("Recipe.java", lr1, lr2)));
        store.recordTrial(new TrialSpec(ids.get("crash"), ids.get("keep"), CAMPAIGN, "optimizer", "optimizer",
                "A learning rate that diverges", LineageStore.unifiedDiff("Recipe.java", lr1, lr3)));
        store.recordTrial(new TrialSpec(ids.get("queued"), ids.get("keep"), CAMPAIGN, "optimizer", "optimizer",
                "Queued behind the others", LineageStore.unifiedDiff("Recipe.java", lr1, lr3)));
        store.recordTrial(new TrialSpec(ids.get("second"), ids.get("keep"), CAMPAIGN, "schedule", "optimizer",
                "Shorter schedule, higher peak", LineageStore.unifiedDiff("Recipe.java", lr1, lr2)));
        store.moveBest(CAMPAIGN, ids.get("second"));
        Instant t0 = Instant.now().minusSeconds(600);
        QuarkusTransaction.requiringNew().run(() -> {
            Campaign c = new Campaign();
            c.id = CAMPAIGN;
            c.task = "golf-mini";
            c.rootTrialId = root;
            c.bestTrialId = ids.get("second");
            c.bestScore = 3.7;
            campaigns.persist(c);
            campaigns.flush();
            persist("keep", root, "optimizer", "Raise the learning rate so warmup ends sooner", TrialStatus.keep,
                    3.9, "first", t0.plusSeconds(10));
            persist("discard", ids.get("keep"), "schedule", "Longer cosine schedule", TrialStatus.discard, 4.1,
                    "2sigma", t0.plusSeconds(20));
            persist("crash", ids.get("keep"), "optimizer", "A learning rate that diverges", TrialStatus.crash, null,
                    null, t0.plusSeconds(30));
            persist("refused", ids.get("keep"), "optimizer", "=HYPERLINK(\"http://x\") a formula, refused",
                    TrialStatus.preflight_reject, null, null, t0.plusSeconds(40));
            persist("second", ids.get("keep"), "schedule", "Shorter schedule, higher peak", TrialStatus.keep, 3.7,
                    "2sigma", t0.plusSeconds(50));
            persist("queued", ids.get("keep"), "optimizer", "Queued behind the others", TrialStatus.queued, null, null,
                    t0.plusSeconds(60));
        });
    }

    private void persist(String name, String parent, String specialist, String hypothesis, TrialStatus status,
                         Double score, String keepRule, Instant at) {
        Trial t = new Trial();
        t.id = ids.get(name);
        t.campaignId = CAMPAIGN;
        t.task = "golf-mini";
        t.specialist = specialist;
        t.surface = "optimizer";
        t.parentTrialId = parent;
        t.hypothesis = hypothesis;
        t.status = status;
        t.score = score;
        t.direction = score == null ? null : "lower";
        t.keepRule = keepRule;
        t.feedback = status == TrialStatus.crash ? "Training diverged at step 40: loss is NaN" : "Verdict: " + status;
        t.commitId = status == TrialStatus.preflight_reject ? null : lineage.store("golf-mini").readTrial(t.id)
                .orElseThrow().commitId();
        t.createdAt = at;
        t.recordedAt = status.isInFlight() ? null : at.plusSeconds(5);
        trials.persist(t);
    }

    @Test
    void theTrialsTableIsFilteredSortedAndPagedOnTheServer() {
        // every trial, newest first, with the database time in Server-Timing
        Response all = given().get("/api/campaigns/" + CAMPAIGN + "/trials");
        all.then().statusCode(200).header("Server-Timing", containsString("db;dur="));
        assertThat(all.jsonPath().getLong("total")).isEqualTo(6);
        assertThat(all.jsonPath().getList("rows.id")).containsExactly(ids.get("queued"), ids.get("second"),
                ids.get("refused"), ids.get("crash"), ids.get("discard"), ids.get("keep"));

        assertThat(idsOf("status=keep")).containsExactlyInAnyOrder(ids.get("keep"), ids.get("second"));
        assertThat(idsOf("status=failure")).containsExactlyInAnyOrder(ids.get("crash"), ids.get("refused"));
        assertThat(idsOf("status=in_flight")).containsExactly(ids.get("queued"));
        assertThat(idsOf("specialist=schedule")).containsExactlyInAnyOrder(ids.get("discard"), ids.get("second"));
        assertThat(idsOf("q=warm")).as("a word prefix of the hypothesis").containsExactly(ids.get("keep"));
        assertThat(idsOf("q=nan diverged")).as("words of the feedback").containsExactly(ids.get("crash"));
        assertThat(idsOf("min_score=3.8&max_score=4.0")).containsExactly(ids.get("keep"));
        assertThat(idsOf("sort=score")).as("ascending, unscored last").startsWith(ids.get("second"), ids.get("keep"),
                ids.get("discard"));
        assertThat(idsOf("sort=-score")).startsWith(ids.get("discard"), ids.get("keep"), ids.get("second"));
        assertThat(idsOf("ids=" + ids.get("keep") + "," + ids.get("crash") + "&status=keep"))
                .containsExactly(ids.get("keep"));

        JsonPath page = given().get("/api/campaigns/" + CAMPAIGN + "/trials?size=2&page=1").then().statusCode(200)
                .extract().jsonPath();
        assertThat(page.getLong("total")).isEqualTo(6);
        assertThat(page.getList("rows.id")).containsExactly(ids.get("refused"), ids.get("crash"));
    }

    @Test
    void badFiltersAreRefusedNamingTheParameterAndTheFix() {
        given().get("/api/campaigns/" + CAMPAIGN + "/trials?status=nope").then().statusCode(400)
                .body("error", containsString("status=nope")).body("error", containsString("keep"))
                .body("status", org.hamcrest.Matchers.is(400));
        given().get("/api/campaigns/" + CAMPAIGN + "/trials?sort=bogus").then().statusCode(400)
                .body("error", containsString("sort=bogus")).body("error", containsString("delta_best"));
        given().get("/api/campaigns/" + CAMPAIGN + "/trials?min_score=abc").then().statusCode(400)
                .body("error", containsString("min_score=abc"));
        given().get("/api/campaigns/" + CAMPAIGN + "/trials?size=0").then().statusCode(400)
                .body("error", containsString("size=0"));
        given().get("/api/campaigns/no-such-campaign/trials").then().statusCode(404)
                .body("error", containsString("unknown campaign 'no-such-campaign'"));
        given().get("/api/trials/" + ids.get("refused") + "/diff").then().statusCode(404)
                .body("error", containsString("has no commit"));
    }

    @Test
    void theTrialsExportAsCsvWithFormulasDefused() {
        String csv = given().get("/api/campaigns/" + CAMPAIGN + "/trials.csv?sort=created").then().statusCode(200)
                .header("Content-Type", containsString("text/csv"))
                .header("Content-Disposition", containsString(CAMPAIGN + "-trials.csv")).extract().asString();
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).startsWith("trial,parent,campaign,specialist,surface,kind,status,score");
        assertThat(lines.get(1)).startsWith(ids.get("keep") + "," + root + "," + CAMPAIGN + ",optimizer");
        assertThat(csv).contains("\"'=HYPERLINK(\"\"http://x\"\") a formula, refused\"");
        assertThat(given().get("/api/campaigns/" + CAMPAIGN + "/trials.csv?status=keep").asString().lines())
                .hasSize(3);
    }

    @Test
    void specialistsStatusesAndTheBestSoFarSeriesSumTheCampaign() {
        JsonPath specialists = given().get("/api/campaigns/" + CAMPAIGN + "/specialists").then().statusCode(200)
                .extract().jsonPath();
        assertThat(specialists.getList("specialist")).containsExactly("optimizer", "schedule");
        assertThat(specialists.getLong("[0].trials")).isEqualTo(4);
        assertThat(specialists.getLong("[0].keeps")).isEqualTo(1);
        assertThat(specialists.getLong("[0].crashes")).isEqualTo(1);
        assertThat(specialists.getLong("[0].failures")).isEqualTo(2);
        assertThat(specialists.getLong("[0].inFlight")).isEqualTo(1);
        assertThat(specialists.getDouble("[0].totalGain")).as("the first keep has no best to improve").isZero();
        assertThat(specialists.getDouble("[1].totalGain")).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(specialists.getDouble("[1].keepRate")).isEqualTo(0.5);
        assertThat(specialists.getDouble("[1].bestScore")).isEqualTo(3.7);

        JsonPath statuses = given().get("/api/campaigns/" + CAMPAIGN + "/statuses").then().statusCode(200)
                .extract().jsonPath();
        assertThat(statuses.getMap("find { it.status == 'keep' }")).containsEntry("count", 2).containsEntry("group", "keep");
        assertThat(statuses.getMap("find { it.status == 'preflight_reject' }")).containsEntry("group", "failure");

        JsonPath series = given().get("/api/campaigns/" + CAMPAIGN + "/best-so-far").then().statusCode(200)
                .extract().jsonPath();
        assertThat(series.getLong("recorded")).isEqualTo(5);
        assertThat(series.getLong("scored")).isEqualTo(3);
        assertThat(series.getList("keeps.trialId")).containsExactly(ids.get("keep"), ids.get("second"));
        assertThat(series.getList("points.best", Double.class)).containsExactly(3.9, 3.9, 3.7);
        assertThat(series.getList("points.index", Long.class)).containsExactly(1L, 2L, 5L);
        assertThat(series.getString("direction")).isEqualTo("lower");

        JsonPath summaries = given().get("/api/campaign-summaries").then().statusCode(200).extract().jsonPath();
        Map<String, Object> mine = summaries.getMap("find { it.campaign == '" + CAMPAIGN + "' }");
        assertThat(mine).containsEntry("trials", 6).containsEntry("keeps", 2).containsEntry("inFlight", 1);
        assertThat(summaries.getList("find { it.campaign == '" + CAMPAIGN + "' }.sparkline", Float.class))
                .as("JSON numbers read as floats").containsExactly(3.9f, 3.7f);

        JsonPath one = given().get("/api/campaign-summaries?campaign=" + CAMPAIGN).then().statusCode(200).extract()
                .jsonPath();
        assertThat(one.getList("campaign")).containsExactly(CAMPAIGN);
        assertThat(one.getMap("[0]")).as("the same numbers as in the whole list").isEqualTo(mine);
        given().get("/api/campaign-summaries?campaign=no-such-campaign").then().statusCode(404)
                .body(containsString("unknown campaign 'no-such-campaign'"));
    }

    @Test
    void bestSoFarIsThinnedToMaxPointsKeepingEveryKeepAndEachStretchsExtremes() {
        // a campaign of a baseline and 60 proposals: keeps at 10 and 40, a high outlier at 25, a low discard at 33
        String thin = "browse-thin";
        List<String> id = QuarkusTransaction.requiringNew().call(() -> {
            List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i <= 60; i++) {
                out.add(trials.nextTrialId());
            }
            return out;
        });
        Instant t0 = Instant.now().minusSeconds(3_600);
        QuarkusTransaction.requiringNew().run(() -> {
            Campaign c = new Campaign();
            c.id = thin;
            c.task = "golf-mini";
            c.rootTrialId = id.get(0);
            c.bestTrialId = id.get(40);
            c.bestScore = 3.5;
            campaigns.persist(c);
            for (int i = 0; i <= 60; i++) {
                Trial t = new Trial();
                t.id = id.get(i);
                t.campaignId = thin;
                t.task = "golf-mini";
                t.kind = i == 0 ? Trial.KIND_ROOT : Trial.KIND_PROPOSAL;
                t.parentTrialId = i == 0 ? null : id.get(0);
                t.specialist = i == 0 ? "baseline" : "optimizer";
                t.surface = "optimizer";
                t.feedback = "Verdict";
                t.hypothesis = "trial " + i;
                boolean keep = i == 0 || i == 10 || i == 40;
                t.status = keep ? TrialStatus.keep : TrialStatus.discard;
                t.score = i == 0 ? 5.0 : i == 10 ? 3.8 : i == 40 ? 3.5 : i == 25 ? 9.0 : i == 33 ? 3.6
                        : 4.0 + (i % 7) * 0.1;
                t.direction = "lower";
                t.createdAt = t0.plusSeconds(10L * i);
                t.recordedAt = t0.plusSeconds(10L * i + 5);
                trials.persist(t);
            }
        });

        JsonPath all = given().get("/api/campaigns/" + thin + "/best-so-far").then().statusCode(200).extract()
                .jsonPath();
        assertThat(all.getBoolean("thinned")).isFalse();
        assertThat(all.getList("points")).hasSize(61);

        JsonPath series = given().get("/api/campaigns/" + thin + "/best-so-far?max_points=10").then().statusCode(200)
                .extract().jsonPath();
        assertThat(series.getBoolean("thinned")).isTrue();
        assertThat(series.getLong("recorded")).isEqualTo(61);
        assertThat(series.getLong("scored")).isEqualTo(61);
        assertThat(series.getList("keeps.trialId")).containsExactly(id.get(0), id.get(10), id.get(40));
        List<String> points = series.getList("points.trialId");
        assertThat(points.size()).as("at most max_points").isLessThanOrEqualTo(10);
        assertThat(points).as("every keep, the outlier and the low discard survive the thinning")
                .contains(id.get(0), id.get(10), id.get(40), id.get(25), id.get(33));
        assertThat(series.getList("points.index", Long.class)).isSorted().contains(1L, 11L, 26L, 34L, 41L);
        assertThat(series.getList("points.best", Double.class)).as("the best never gets worse").isSortedAccordingTo(
                java.util.Comparator.reverseOrder());
        assertThat(series.getBoolean("keepsThinned")).isFalse();
        assertThat(series.getLong("keepCount")).isEqualTo(3);
        assertThat(series.getDouble("points.find { it.trialId == '" + id.get(33) + "' }.best"))
                .as("the best after trial 33 is keep 10's").isEqualTo(3.8);

        // keeps that would fill more than half the points are thinned too: each stretch's first and last keep stay
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 41; i <= 60; i++) {
                Trial t = trials.findById(id.get(i));
                t.status = TrialStatus.keep;
                t.score = 3.5 - i * 0.01;
            }
        });
        JsonPath dense = given().get("/api/campaigns/" + thin + "/best-so-far?max_points=12").then().statusCode(200)
                .extract().jsonPath();
        assertThat(dense.getLong("keepCount")).isEqualTo(23);
        assertThat(dense.getBoolean("keepsThinned")).isTrue();
        assertThat(dense.getList("points")).as("at most max_points").hasSizeLessThanOrEqualTo(12);
        assertThat(dense.getList("keeps.trialId")).as("the first keep and the last (the best) stay")
                .contains(id.get(0), id.get(60)).hasSizeLessThan(23);
        assertThat(dense.getDouble("points[-1].best")).as("the line ends at the best").isCloseTo(2.9,
                org.assertj.core.data.Offset.offset(1e-9));
        given().get("/api/campaigns/" + thin + "/best-so-far?max_points=9").then().statusCode(400)
                .body(containsString("max_points"));
    }

    @Test
    void theTreeChainDiffAndRecipeComeFromTheLineage() {
        JsonPath tree = given().get("/api/campaigns/" + CAMPAIGN + "/tree").then().statusCode(200).extract().jsonPath();
        assertThat(tree.getList("nodes.id")).containsExactlyInAnyOrder(root, ids.get("keep"), ids.get("discard"),
                ids.get("crash"), ids.get("queued"), ids.get("second"));
        assertThat(tree.getList("bestChain")).containsExactly(root, ids.get("keep"), ids.get("second"));
        assertThat(tree.getLong("withoutCommit")).isEqualTo(1);
        assertThat(tree.getString("nodes.find { it.id == '" + ids.get("queued") + "' }.status"))
                .as("in-flight status from Postgres").isEqualTo("queued");
        assertThat(tree.getLong("total")).isEqualTo(tree.getList("nodes").size());
        assertThat(tree.getList("nodes.hidden", Long.class)).as("small enough to be sent unfolded").containsOnly(0L);
        JsonPath subtree = given().get("/api/campaigns/" + CAMPAIGN + "/tree?under=" + ids.get("keep")).then()
                .statusCode(200).extract().jsonPath();
        assertThat(subtree.getList("nodes.id")).containsExactly(ids.get("keep"), ids.get("discard"),
                ids.get("crash"), ids.get("queued"), ids.get("second"));
        assertThat(subtree.getString("under")).isEqualTo(ids.get("keep"));
        given().get("/api/campaigns/" + CAMPAIGN + "/tree?under=no-such-trial").then().statusCode(404)
                .body(containsString("not in the tree of campaign"));
        given().get("/api/campaigns/" + CAMPAIGN + "/tree?limit=0").then().statusCode(400);

        assertThat(given().get("/api/trials/" + ids.get("second") + "/chain").then().statusCode(200).extract()
                .jsonPath().getList("id")).containsExactly(root, ids.get("keep"), ids.get("second"));

        String vsParent = given().get("/api/trials/" + ids.get("second") + "/diff").then().statusCode(200)
                .header("Content-Type", containsString("text/x-diff")).extract().asString();
        assertThat(vsParent).contains("-    static final float LR = 9e-3f;").contains("+    static final float LR = 1.3e-2f;");
        assertThat(given().get("/api/trials/" + ids.get("crash") + "/diff?against=best").asString())
                .contains("-    static final float LR = 1.3e-2f;").contains("+    static final float LR = 2e-2f;");
        assertThat(given().get("/api/trials/" + ids.get("second") + "/diff?against=" + ids.get("discard")).asString())
                .as("the same recipe").isEmpty();
        given().get("/api/trials/" + ids.get("keep") + "/diff?against=no-such-trial").then().statusCode(404);

        JsonPath recipe = given().get("/api/trials/" + ids.get("keep") + "/recipe").then().statusCode(200).extract()
                .jsonPath();
        assertThat(recipe.getString("files.find { it.path == 'Recipe.java' }.text"))
                .contains("static final float LR = 9e-3f;");
    }

    @Test
    void theEndpointsAreInTheOpenApiDocumentBesideTheCampaignApi() {
        String openapi = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(openapi).contains("/api/campaigns/{campaign}/trials", "/api/campaigns/{campaign}/trials.csv",
                "/api/campaigns/{campaign}/best-so-far", "/api/campaigns/{campaign}/specialists",
                "/api/campaigns/{campaign}/statuses", "/api/campaigns/{campaign}/tree", "/api/trials/{id}/chain",
                "/api/trials/{id}/diff", "/api/trials/{id}/recipe", "/api/campaign-summaries");
        // the campaign resource's own paths still answer beside the browse resource's
        given().get("/api/campaigns/" + CAMPAIGN).then().statusCode(200).body("campaign", org.hamcrest.Matchers.is(CAMPAIGN));
        given().get("/").then().statusCode(200).body(containsString("<div id=\"app\">"));
    }

    private List<String> idsOf(String query) {
        return given().get("/api/campaigns/" + CAMPAIGN + "/trials?" + query).then().statusCode(200).extract()
                .jsonPath().getList("rows.id");
    }

    private static String withLearningRate(String recipe, String literal) {
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + literal + ";");
        assertThat(edited).isNotEqualTo(recipe);
        return edited;
    }
}
