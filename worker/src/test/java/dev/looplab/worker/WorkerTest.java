package dev.looplab.worker;

import dev.looplab.trial.TrialStatus;
import dev.looplab.events.ArtifactRef;
import dev.looplab.events.Json;
import dev.looplab.events.RunRequest;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.worker.artifact.Sha256;
import dev.looplab.worker.config.WorkerConfig;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker app end to end: real Kafka, real S3, a real lineage repository and the real golf-mini recipe. */
@QuarkusTest
@QuarkusTestResource(value = WorkerServicesResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerTest {
    private static final Path RECIPE = Path.of("..", "recipes", "golf-mini").toAbsolutePath().normalize();
    private static final Duration TRIAL_TIMEOUT = Duration.ofMinutes(5);
    /** The recipe counts its budget from JVM start, so compiling it and loading PyTorch must fit too. */
    private static final int BASELINE_BUDGET_S = 30;

    @Inject
    WorkerConfig config;

    private Path tmp;
    private Path lineage;
    private RevCommit baseline;
    private RevCommit broken;
    private RevCommit hanging;
    private RevCommit silent;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> events;
    private final List<TrialEvent> seen = new ArrayList<>();

    @BeforeAll
    void createLineageAndClients() throws Exception {
        // a lineage like the platform's: the baseline recipe as root commit, a trial that breaks compilation on top
        tmp = Files.createTempDirectory("worker-test");
        Path author = tmp.resolve("author");
        Path recipeDir = author.resolve("recipes").resolve("golf-mini");
        copyTree(RECIPE, recipeDir);
        try (Git git = Git.init().setDirectory(author.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            baseline = git.commit().setMessage("golf-mini baseline").setSign(false).call();
            Path source = recipeDir.resolve("Recipe.java");
            Files.writeString(source, Files.readString(source)
                    .replace("public class Recipe {", "public class Recipe {\n    int broken = undefinedKnob;"));
            git.add().addFilepattern(".").call();
            broken = git.commit().setMessage("use an undefined knob").setSign(false).call();
            git.checkout().setCreateBranch(true).setName("hang").setStartPoint(baseline).call();
            Files.writeString(source, Files.readString(source).replace(
                    "public static void main(String[] args) throws Exception {",
                    "public static void main(String[] args) throws Exception {\n        Thread.sleep(600_000);"));
            git.add().addFilepattern(".").call();
            hanging = git.commit().setMessage("never stop").setSign(false).call();
            git.checkout().setCreateBranch(true).setName("silent").setStartPoint(baseline).call();
            Files.writeString(source, Files.readString(source).replace(
                    "public static void main(String[] args) throws Exception {",
                    "public static void main(String[] args) throws Exception {\n        System.exit(1);"));
            git.add().addFilepattern(".").call();
            silent = git.commit().setMessage("exit without a word").setSign(false).call();
        }
        lineage = tmp.resolve("golf-mini.git");
        Git.cloneRepository().setURI(author.toUri().toString()).setDirectory(lineage.toFile()).setBare(true)
                .setCloneAllBranches(true).call().close();

        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrap().orElseThrow(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        events = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrap().orElseThrow(),
                ConsumerConfig.GROUP_ID_CONFIG, "worker-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        events.subscribe(List.of(Topics.TRIAL_EVENTS));
    }

    @AfterAll
    void closeClients() {
        producer.close();
        events.close();
    }

    @Test
    void trainsEvaluatesAndStoresTheBaselineRecipe() throws Exception {
        // given a run request for the baseline commit with a short budget
        String trialId = "t-baseline-" + UUID.randomUUID();
        publish(new RunRequest(RunRequest.SCHEMA, trialId, 1, "c1", "golf-mini", lineage.toString(),
                baseline.name(), BASELINE_BUDGET_S, 7L, System.currentTimeMillis()));

        // when the worker has run it
        TrialEvent finished = awaitFinished(trialId);

        // then it reported the lifecycle in order and a plausible score from the evaluator
        assertThat(typesOf(trialId)).containsSubsequence(TrialEvent.Type.STARTED, TrialEvent.Type.EVALUATING,
                TrialEvent.Type.FINISHED);
        assertThat(finished.worker()).isEqualTo("test-worker");
        assertThat(finished.measurement().status())
                .as("feedback: %s", finished.measurement().feedback())
                .isEqualTo(TrialStatus.scored);
        // bits per byte of a byte-level LM: below 8 (uniform) and above 0
        assertThat(finished.measurement().score()).isGreaterThan(0.0).isLessThan(8.0);
        assertThat(finished.measurement().seed()).isEqualTo(7L);
        // and the score on the test slice travels beside it to the platform, which keeps it for a new best only
        assertThat(finished.measurement().testScore()).isGreaterThan(0.0).isLessThan(8.0);

        // and the recipe's training curve streamed as METRICS events, counted in the EVALUATING message
        List<dev.looplab.events.MetricPoint> points = seen.stream()
                .filter(e -> e.trialId().equals(trialId) && e.type() == TrialEvent.Type.METRICS)
                .flatMap(e -> e.points().stream()).toList();
        assertThat(points).extracting(dev.looplab.events.MetricPoint::name).contains("train_loss", "train_steps");
        assertThat(seen).filteredOn(e -> e.trialId().equals(trialId) && e.type() == TrialEvent.Type.EVALUATING)
                .singleElement().extracting(TrialEvent::message).asString()
                .contains(points.size() + " metric points").doesNotContain("rejected");

        // and every artifact is in the bucket with the recorded size and content
        assertThat(finished.artifacts()).extracting(ArtifactRef::name).contains("train.log", "metrics.jsonl");
        assertThat(finished.artifacts()).hasSizeGreaterThan(2);
        MinioClient s3 = MinioClient.builder().endpoint(config.s3().endpoint().orElseThrow())
                .credentials(config.s3().accessKey().orElseThrow(), config.s3().secretKey().orElseThrow())
                .region("us-east-1").build();
        for (ArtifactRef artifact : finished.artifacts()) {
            assertThat(artifact.key()).isEqualTo("sha256/" + artifact.sha256());
            long size = s3.statObject(StatObjectArgs.builder().bucket(config.s3().bucket().orElseThrow())
                    .object(artifact.key()).build()).size();
            assertThat(size).as(artifact.name()).isEqualTo(artifact.sizeBytes());
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(config.s3().bucket().orElseThrow())
                    .object(artifact.key()).build())) {
                assertThat(Sha256.of(in.readAllBytes())).as(artifact.name()).isEqualTo(artifact.sha256());
            }
        }
    }

    @Test
    void aRecipeThatDoesNotCompileEndsAsACrashThatSaysWhy() throws Exception {
        // given a run request for a commit whose recipe does not compile
        String trialId = "t-broken-" + UUID.randomUUID();
        publish(new RunRequest(RunRequest.SCHEMA, trialId, 1, "c1", "golf-mini", lineage.toString(),
                broken.name(), 10, 7L, System.currentTimeMillis()));

        // when the worker has run it
        TrialEvent finished = awaitFinished(trialId);

        // then it is a crash whose reason quotes the compiler
        assertThat(finished.measurement().status()).isEqualTo(TrialStatus.crash);
        assertThat(finished.measurement().feedback()).contains("undefinedKnob").contains("error");
        assertThat(finished.artifacts()).extracting(ArtifactRef::name).contains("train.log");
    }

    @Test
    void aRecipeThatDiesWithoutAWordEndsAsACrashThatSaysTheLogIsEmpty() throws Exception {
        // given a run request for a commit whose recipe exits with code 1 before printing anything
        String trialId = "t-silent-" + UUID.randomUUID();
        publish(new RunRequest(RunRequest.SCHEMA, trialId, 1, "c1", "golf-mini", lineage.toString(),
                silent.name(), 10, 7L, System.currentTimeMillis()));

        // when the worker has run it
        TrialEvent finished = awaitFinished(trialId);

        // then the crash says the exit code and that the log holds nothing, rather than quoting an empty tail
        assertThat(finished.measurement().status()).isEqualTo(TrialStatus.crash);
        assertThat(finished.measurement().feedback()).contains("exited with code 1")
                .contains("train.log is empty: the process printed nothing");
    }

    @Test
    void aRecipeThatIgnoresItsBudgetIsKilledAndReportedAsAnOverrun() throws Exception {
        // given a run request for a commit whose recipe never stops
        String trialId = "t-hang-" + UUID.randomUUID();
        publish(new RunRequest(RunRequest.SCHEMA, trialId, 1, "c1", "golf-mini", lineage.toString(),
                hanging.name(), 5, 7L, System.currentTimeMillis()));

        // when the worker has run it
        TrialEvent finished = awaitFinished(trialId);

        // then the worker killed it past budget plus grace and the evaluator called it an overrun
        TrialEvent evaluating = seen.stream()
                .filter(e -> e.trialId().equals(trialId) && e.type() == TrialEvent.Type.EVALUATING)
                .findFirst().orElseThrow();
        assertThat(evaluating.message()).contains("training killed").contains("budget 5 s + grace 10 s");
        assertThat(finished.measurement().status()).isEqualTo(TrialStatus.train_budget_overrun);
    }

    @io.quarkus.test.common.http.TestHTTPResource("/q/health/ready")
    java.net.URI ready;
    @io.quarkus.test.common.http.TestHTTPResource("/q/health/live")
    java.net.URI live;
    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URI metrics;

    @Test
    void theWorkerSaysItIsLiveAndReadyAndNamesWhatItChecked() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        var liveAnswer = http.send(java.net.http.HttpRequest.newBuilder(live).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        var readyAnswer = await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
                java.net.http.HttpRequest.newBuilder(ready).build(), java.net.http.HttpResponse.BodyHandlers.ofString()),
                r -> r.statusCode() == 200);
        var metricsAnswer = http.send(java.net.http.HttpRequest.newBuilder(metrics).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(liveAnswer.statusCode()).isEqualTo(200);
        assertThat(liveAnswer.body()).contains("run consumer").contains("\"UP\"");
        assertThat(readyAnswer.body()).contains("artifact store").contains("trial sandbox");
        assertThat(metricsAnswer.body()).contains("looplab_worker_busy").contains("looplab_worker_assigned_partitions");
    }

    @Test
    void aBadPayloadIsSkippedAndTheNextRunStillHappens() throws Exception {
        // given garbage on the runs topic followed by a run for a commit that does not exist
        producer.send(new ProducerRecord<>(Topics.RUNS, "garbage", "{not json")).get();
        String trialId = "t-missing-" + UUID.randomUUID();
        String missing = "0123456789abcdef0123456789abcdef01234567";
        publish(new RunRequest(RunRequest.SCHEMA, trialId, 2, "c1", "golf-mini", lineage.toString(),
                missing, 10, 7L, System.currentTimeMillis()));

        // when the worker has read both
        TrialEvent finished = awaitFinished(trialId);

        // then the garbage did not stop it and the missing commit is a crash naming the commit
        assertThat(finished.attempt()).isEqualTo(2);
        assertThat(finished.measurement().status()).isEqualTo(TrialStatus.crash);
        assertThat(finished.measurement().feedback()).contains(missing);
    }

    private void publish(RunRequest request) throws Exception {
        producer.send(new ProducerRecord<>(Topics.RUNS, request.trialId(), Json.write(request))).get();
    }

    private TrialEvent awaitFinished(String trialId) {
        await().atMost(TRIAL_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            events.poll(Duration.ofMillis(200)).forEach(r -> seen.add(Json.read(r.value(), TrialEvent.class)));
            return finishedOf(trialId) != null;
        });
        return finishedOf(trialId);
    }

    private TrialEvent finishedOf(String trialId) {
        return seen.stream().filter(e -> e.trialId().equals(trialId) && e.type() == TrialEvent.Type.FINISHED)
                .findFirst().orElse(null);
    }

    private List<TrialEvent.Type> typesOf(String trialId) {
        return seen.stream().filter(e -> e.trialId().equals(trialId)).map(TrialEvent::type).toList();
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
