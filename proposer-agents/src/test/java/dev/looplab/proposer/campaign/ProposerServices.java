package dev.looplab.proposer.campaign;

import dev.looplab.events.Topics;
import dev.looplab.infra.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts a real Kafka broker and the fake platform before the app boots, and points the proposer at
 * both. Only Kafka is embedded (not the whole LooplabServices set): the proposer uses no database or S3.
 */
public class ProposerServices implements QuarkusTestResourceLifecycleManager {
    static final String CAMPAIGN = "proposer-it";

    static EmbeddedKafka kafka;
    static FakePlatform platform;
    static Path home;

    @Override
    public Map<String, String> start() {
        try {
            kafka = EmbeddedKafka.start();
            kafka.createTopics(Topics.ALL, 3);
            platform = new FakePlatform();
            home = Files.createTempDirectory("looplab-proposer-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "looplab.platform.url", platform.url(),
                "looplab.campaign", CAMPAIGN,
                "looplab.home", home.toString(),
                "looplab.proposer.tick", "1s",
                "looplab.proposer.seed", "7");
    }

    @Override
    public void stop() {
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
