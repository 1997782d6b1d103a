package dev.looplab.platform.metrics;

import dev.looplab.trial.TrialStatus;

import dev.looplab.events.Json;
import dev.looplab.events.MetricPoint;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.platform.support.RealServicesResource;
import dev.looplab.platform.support.TestTrials;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** Metric points from the trial-events topic into Postgres and back out per trial, thinned for plotting. */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class MetricResourceTest {
    private static final String CAMPAIGN = "platform-test";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    TrialRepository trials;
    @Inject
    MetricIngest ingest;

    private KafkaProducer<String, String> producer;

    @BeforeEach
    void producer() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void aRedeliveredBatchIsStoredOnceAndTheTrialListsItsSeriesWithCounts() throws Exception {
        // given a running trial and a batch that the broker delivers twice, then a second batch
        String trial = TestTrials.running(trials, CAMPAIGN);
        List<MetricPoint> first = List.of(point(1, "train_loss", 5.0), point(2, "train_loss", 4.5),
                point(1, "lr", 0.001));
        send(trial, 1, first);
        send(trial, 1, first);
        send(trial, 1, List.of(point(3, "train_loss", 4.25), point(3, "lr", 0.002)));

        // when the platform has consumed all three (one partition per trial keeps them in order)
        await().atMost(Duration.ofSeconds(30)).until(() -> count(trial, "lr") == 2);

        // then each point is stored once and the series are listed with their counts and steps
        JsonPath listed = given().get("/api/trials/" + trial + "/metrics").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getInt("attempt")).isEqualTo(1);
        assertThat(listed.getList("series.name")).containsExactly("lr", "train_loss");
        assertThat(listed.getList("series.points", Integer.class)).containsExactly(2, 3);
        assertThat(listed.getList("series.lastStep", Integer.class)).containsExactly(3, 3);
        JsonPath loss = given().get("/api/trials/" + trial + "/metrics/train_loss").then().statusCode(200)
                .extract().jsonPath();
        assertThat(loss.getList("points.step", Integer.class)).containsExactly(1, 2, 3);
        assertThat(loss.getList("points.value", Double.class)).containsExactly(5.0, 4.5, 4.25);
        assertThat(loss.getBoolean("downsampled")).isFalse();
    }

    @Test
    void aLongSeriesIsThinnedToTheAskedSizeKeepingItsEndsAndItsSpike() throws Exception {
        // given 10,000 points of a falling loss with one spike, arriving in batches of 1,000
        String trial = TestTrials.running(trials, CAMPAIGN);
        List<MetricPoint> batch = new ArrayList<>();
        for (int step = 0; step < 10_000; step++) {
            double loss = step == 5_003 ? 100.0 : 8.0 - step / 2_000.0;
            batch.add(new MetricPoint(step, "train_loss", loss, step * 0.01));
            if (batch.size() == 1_000) {
                send(trial, 1, batch);
                batch = new ArrayList<>();
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count(trial, "train_loss") == 10_000);

        // when a chart asks for at most 100 points
        JsonPath thinned = given().queryParam("max_points", 100).get("/api/trials/" + trial + "/metrics/train_loss")
                .then().statusCode(200).extract().jsonPath();

        // then it gets at most 100, in step order, with the first, the last and the spike among them
        List<Integer> steps = thinned.getList("points.step", Integer.class);
        assertThat(steps).hasSizeLessThanOrEqualTo(100).hasSizeGreaterThan(90).isSorted()
                .contains(0, 5_003, 9_999);
        assertThat(steps.get(0)).isZero();
        assertThat(steps.get(steps.size() - 1)).isEqualTo(9_999);
        assertThat(thinned.getLong("totalPoints")).isEqualTo(10_000);
        assertThat(thinned.getBoolean("downsampled")).isTrue();
        assertThat(thinned.getString("method")).isEqualTo("min-max per bucket");
    }

    @Test
    void metricPointsNamedLikeAScoreNeverChangeTheTrialsStatusOrScore() throws Exception {
        // given a running trial whose recipe reports its own "score" and "val_bpb"
        String trial = TestTrials.running(trials, CAMPAIGN);
        send(trial, 1, List.of(point(1, "score", 0.0), point(1, "val_bpb", 0.0001)));

        // when the points are stored
        await().atMost(Duration.ofSeconds(30)).until(() -> count(trial, "val_bpb") == 1);

        // then the trial is untouched: still running, unscored, no metrics of the evaluator's
        Trial stored = QuarkusTransaction.requiringNew().call(() -> trials.findById(trial));
        assertThat(stored.status).isEqualTo(TrialStatus.running);
        assertThat(stored.score).isNull();
        assertThat(stored.metricsJson).isNull();
        assertThat(stored.recordedAt).isNull();
    }

    @Test
    void namesWithCharactersThatCopyEscapesRoundTrip() {
        // given points whose names hold a tab, a backslash and non-ASCII letters
        String trial = TestTrials.running(trials, CAMPAIGN);
        String name = "loss\\val\tperplexité";

        // when they are stored twice (the second time through the merge path)
        assertThat(ingest.store(trial, 1, List.of(point(1, name, 1.5), point(2, name, 1.25)))).isEqualTo(2);
        assertThat(ingest.store(trial, 1, List.of(point(2, name, 9.0), point(3, name, 1.0)))).isEqualTo(1);

        // then the name reads back exactly, with the first value of the repeated step kept
        JsonPath listed = given().get("/api/trials/" + trial + "/metrics").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("series.name")).containsExactly(name);
        assertThat(listed.getList("series.points", Integer.class)).containsExactly(3);
        JsonPath series = given().get("/api/trials/" + trial + "/metrics/{name}", name).then().statusCode(200)
                .extract().jsonPath();
        assertThat(series.getList("points.value", Double.class)).containsExactly(1.5, 1.25, 1.0);
    }

    @Test
    void badRequestsSayWhatIsWrongAndHowToAsk() {
        String trial = TestTrials.running(trials, CAMPAIGN);
        ingest.store(trial, 1, List.of(point(1, "lr", 0.1)));

        given().queryParam("max_points", 2).get("/api/trials/" + trial + "/metrics/lr").then().statusCode(400)
                .body("error", containsString("max_points=2")).body("error", containsString("4 to 100000"));
        given().get("/api/trials/" + trial + "/metrics/nope").then().statusCode(404)
                .body("error", containsString("no metric 'nope'"))
                .body("error", containsString("/api/trials/" + trial + "/metrics lists"));
        given().get("/api/trials/no-such-trial/metrics").then().statusCode(404)
                .body("error", containsString("unknown trial 'no-such-trial'"));
    }

    private long count(String trial, String name) {
        JsonPath listed = given().get("/api/trials/" + trial + "/metrics").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> series = listed.getList("series");
        return series.stream().filter(s -> name.equals(s.get("name")))
                .mapToLong(s -> ((Number) s.get("points")).longValue()).sum();
    }

    private void send(String trial, int attempt, List<MetricPoint> points) throws Exception {
        TrialEvent event = new TrialEvent(TrialEvent.SCHEMA, trial, attempt, TrialEvent.Type.METRICS, "test-worker",
                System.currentTimeMillis(), points.size() + " metric points", null, null, points, null);
        producer.send(new ProducerRecord<>(Topics.TRIAL_EVENTS, trial, Json.write(event))).get();
    }

    private static MetricPoint point(long step, String name, double value) {
        return new MetricPoint(step, name, value, step * 0.5);
    }
}
