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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A worker whose bubblewrap cannot run refuses trials, saying how to fix it, instead of running them unconfined. */
@QuarkusTest
@TestProfile(UnusableSandboxTest.MissingBubblewrap.class)
@QuarkusTestResource(value = WorkerServicesResource.class, restrictToAnnotatedClass = true)
class UnusableSandboxTest {

    /** A worker pointed at a bwrap binary that is not there. */
    public static class MissingBubblewrap implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("looplab.worker.bwrap", "/nonexistent/bwrap");
        }
    }

    @Inject
    WorkerConfig config;

    @Test
    void aTrialIsRefusedWithTheFixInsteadOfRunningUnconfined() throws Exception {
        // given a valid golf-mini trial
        Path author = Files.createTempDirectory("unusable-sandbox").resolve("author");
        Path recipeDir = Files.createDirectories(author.resolve("recipes").resolve("golf-mini"));
        Path source = Path.of("..", "recipes", "golf-mini").toAbsolutePath().normalize();
        for (String file : List.of("Recipe.java", "task.yaml")) {
            Files.copy(source.resolve(file), recipeDir.resolve(file));
        }
        RevCommit commit;
        try (Git git = Git.init().setDirectory(author.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            commit = git.commit().setMessage("baseline").setSign(false).call();
        }
        String trialId = "t-unconfinable-" + UUID.randomUUID();

        // when it is scheduled on this worker
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrap().orElseThrow(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.RUNS, trialId, Json.write(new RunRequest(RunRequest.SCHEMA,
                    trialId, 1, "c1", "golf-mini", author.toString(), commit.name(), 30, 7L,
                    System.currentTimeMillis())))).get();
        }
        TrialEvent finished = awaitFinished(trialId);

        // then it is a crash that names the problem and both fixes, and nothing was trained
        assertThat(finished.measurement().status()).isEqualTo(TrialStatus.crash);
        assertThat(finished.measurement().feedback())
                .contains("bubblewrap cannot run here (no executable /nonexistent/bwrap (looplab.worker.bwrap))")
                .contains("install the Debian package bubblewrap")
                .contains("set looplab.worker.sandbox=unsafe to run trials unconfined");
        assertThat(finished.measurement().trainSeconds()).isZero();
    }

    private TrialEvent awaitFinished(String trialId) {
        List<TrialEvent> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> events = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrap().orElseThrow(),
                ConsumerConfig.GROUP_ID_CONFIG, "unusable-sandbox-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            events.subscribe(List.of(Topics.TRIAL_EVENTS));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                events.poll(Duration.ofMillis(200)).forEach(r -> seen.add(Json.read(r.value(), TrialEvent.class)));
                return seen.stream().anyMatch(e -> e.trialId().equals(trialId) && e.type() == TrialEvent.Type.FINISHED);
            });
        }
        return seen.stream().filter(e -> e.trialId().equals(trialId) && e.type() == TrialEvent.Type.FINISHED)
                .findFirst().orElseThrow();
    }
}
