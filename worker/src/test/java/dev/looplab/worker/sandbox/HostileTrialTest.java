package dev.looplab.worker.sandbox;

import dev.looplab.trial.TrialStatus;
import dev.looplab.events.Json;
import dev.looplab.events.RunRequest;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.worker.WorkerServicesResource;
import dev.looplab.worker.config.WorkerConfig;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker app under a hostile golf-mini trial: real Kafka, S3, lineage and bubblewrap. */
@QuarkusTest
@QuarkusTestResource(value = WorkerServicesResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTrialTest {
    private static final Path HOSTILE = Path.of("src", "test", "resources", "sandbox", "HostileRecipe.java")
            .toAbsolutePath();
    private static final Path TASK_YAML = Path.of("..", "recipes", "golf-mini", "task.yaml").toAbsolutePath();

    @Inject
    WorkerConfig config;

    private Path tmp;
    private Path lineage;
    private Path outside;
    private RevCommit hostile;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> events;
    private final List<TrialEvent> seen = new ArrayList<>();

    @BeforeAll
    void createHostileLineage() throws Exception {
        // a golf-mini lineage whose only commit is a recipe that lies, probes the sandbox and fork-bombs
        tmp = Files.createTempDirectory("hostile-trial");
        outside = Path.of("target", "hostile-escape-" + UUID.randomUUID() + ".txt").toAbsolutePath();
        Path author = tmp.resolve("author");
        Path recipeDir = Files.createDirectories(author.resolve("recipes").resolve("golf-mini"));
        String port = config.kafka().bootstrap().orElseThrow().replaceAll(".*:", "");
        Files.writeString(recipeDir.resolve("Recipe.java"), Files.readString(HOSTILE)
                .replace("PORT", port).replace("\"OUTSIDE\"", "\"" + outside + "\""));
        Files.copy(TASK_YAML, recipeDir.resolve("task.yaml"));
        try (Git git = Git.init().setDirectory(author.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            hostile = git.commit().setMessage("claim a perfect score").setSign(false).call();
        }
        lineage = tmp.resolve("golf-mini.git");
        Git.cloneRepository().setURI(author.toUri().toString()).setDirectory(lineage.toFile()).setBare(true)
                .call().close();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrap().orElseThrow(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        events = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrap().orElseThrow(),
                ConsumerConfig.GROUP_ID_CONFIG, "hostile-test-" + UUID.randomUUID(),
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
    void aHostileTrialIsContainedLabelledAndTheWorkerKeepsServing() throws Exception {
        // given a hostile trial followed by an ordinary request
        String hostileId = "t-hostile-" + UUID.randomUUID();
        String nextId = "t-after-" + UUID.randomUUID();
        publish(new RunRequest(RunRequest.SCHEMA, hostileId, 1, "c1", "golf-mini", lineage.toString(),
                hostile.name(), 60, 7L, System.currentTimeMillis()));
        publish(new RunRequest(RunRequest.SCHEMA, nextId, 1, "c1", "golf-mini", lineage.toString(),
                "0123456789abcdef0123456789abcdef01234567", 10, 7L, System.currentTimeMillis()));

        // when the worker has run the hostile one
        TrialEvent finished = awaitFinished(hostileId);

        // then its claimed score counts for nothing: the fork bomb made it a crash that names the limit
        assertThat(finished.measurement().status()).isEqualTo(TrialStatus.crash);
        assertThat(finished.measurement().score()).isNull();
        assertThat(finished.measurement().feedback()).startsWith("process limit 1024 reached");
        // and none of its probes got through (the train.log quoted in the feedback shows them)
        assertThat(outside).doesNotExist();
        assertThat(finished.measurement().feedback()).contains("PROBE network: closed")
                .contains("PROBE held-out: hidden").contains("PROBE outside write: refused");
        // and its fingerprint describes the sandbox it ran in: the worker's, with the task's held-out data hidden
        assertThat(finished.environment().get("sandbox")).contains("hidden 1 held-out path(s)");
        // and records the native settings the recipe ran with: the worker's DJL environment, every entry
        dev.looplab.runtime.djl.DjlRuntime.ENVIRONMENT.forEach((name, value) ->
                assertThat(finished.environment()).containsEntry("env." + name, value));

        // and the worker went on to the next request
        assertThat(awaitFinished(nextId).measurement().status()).isEqualTo(TrialStatus.crash);
    }

    private void publish(RunRequest request) throws Exception {
        producer.send(new ProducerRecord<>(Topics.RUNS, request.trialId(), Json.write(request))).get();
    }

    private TrialEvent awaitFinished(String trialId) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            events.poll(Duration.ofMillis(200)).forEach(r -> seen.add(Json.read(r.value(), TrialEvent.class)));
            return finishedOf(trialId) != null;
        });
        return finishedOf(trialId);
    }

    private TrialEvent finishedOf(String trialId) {
        return seen.stream().filter(e -> e.trialId().equals(trialId) && e.type() == TrialEvent.Type.FINISHED)
                .findFirst().orElse(null);
    }
}
