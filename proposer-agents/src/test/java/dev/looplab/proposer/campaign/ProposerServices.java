package dev.looplab.proposer.campaign;

import dev.looplab.events.Topics;
import dev.looplab.infra.EmbeddedKafka;
import dev.looplab.proposer.llm.FakeModelServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts a real Kafka broker, the fake platform and the fake model server before the app boots, and points the
 * proposer at them. Only Kafka is embedded: the proposer uses no database or S3. The scheduler is off: tests tick
 * the campaigns themselves.
 */
public class ProposerServices implements QuarkusTestResourceLifecycleManager {
    static EmbeddedKafka kafka;
    static FakePlatform platform;
    static FakeModelServer model;
    static Path home;

    @Override
    public Map<String, String> start() {
        try {
            kafka = EmbeddedKafka.start();
            kafka.createTopics(Topics.ALL, 3);
            platform = new FakePlatform();
            model = new FakeModelServer();
            home = Files.createTempDirectory("looplab-proposer-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("looplab.platform.url", platform.url());
        config.put("looplab.home", home.toString());
        config.put("looplab.proposer.seed", "7");
        config.put("looplab.proposer.knowledge-every", "0s");
        config.put("quarkus.scheduler.enabled", "false");
        config.put("looplab.llm.model", "test-model");
        config.put("looplab.llm.base-url", model.baseUrl());
        config.put("looplab.llm.api-key", "test-key");
        config.put("looplab.llm.timeout", "5s");
        return config;
    }

    @Override
    public void stop() {
        if (model != null) {
            model.close();
        }
        if (platform != null) {
            platform.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (home != null) {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
