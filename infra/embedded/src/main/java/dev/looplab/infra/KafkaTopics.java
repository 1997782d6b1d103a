package dev.looplab.infra;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Idempotent topic creation through an AdminClient, for the embedded broker and external clusters alike. */
final class KafkaTopics {

    private KafkaTopics() {
    }

    static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
    }

    /** Creates the topics of {@code names} that do not exist with {@code partitions} partitions, replication factor 1 on one broker. */
    static void ensure(Admin admin, String bootstrapServers, Collection<String> names, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().distinct().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, java.util.Optional.of(partitions), java.util.Optional.empty()))
                    .toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        // created concurrently; retry the others
                        Set<String> now = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                        missing = missing.stream().filter(t -> !now.contains(t.name())).toList();
                        continue;
                    }
                    // a broker that has just started may not be registered as alive yet
                    if (e.getCause() instanceof InvalidReplicationFactorException && System.nanoTime() < deadline) {
                        Thread.sleep(200);
                        continue;
                    }
                    throw new IllegalStateException("Cannot create topics " + missing.stream().map(NewTopic::name)
                            .collect(Collectors.joining(", ")) + " on " + bootstrapServers + ": " + e.getCause(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics on " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list topics on " + bootstrapServers + ": " + e
                    + " (is Kafka reachable there?)", e);
        }
    }
}
