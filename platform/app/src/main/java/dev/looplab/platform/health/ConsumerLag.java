package dev.looplab.platform.health;

import dev.looplab.events.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code looplab_consumer_lag{group,topic}}: records on a topic not yet processed by a consumer group, for the
 * platform's own groups and the workers' ({@code looplab-workers} on {@code looplab.runs}), read from the broker
 * every 10 s. A growing lag with idle consumers is the first sign of a stuck loop.
 */
@ApplicationScoped
public class ConsumerLag {
    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    /** The groups Looplab runs and the topics each consumes. */
    static final Map<String, java.util.List<String>> GROUPS = Map.of(
            "looplab-platform", java.util.List.of(Topics.PROPOSALS, Topics.TRIAL_EVENTS),
            "looplab-workers", java.util.List.of(Topics.RUNS));

    @Inject
    dev.looplab.platform.messaging.KafkaAccess kafka;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    MeterRegistry registry;

    private final Map<String, Long> lag = new ConcurrentHashMap<>();
    private volatile Admin admin;

    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void measure() {
        try {
            Admin kafka = admin();
            for (var group : GROUPS.entrySet()) {
                Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(group.getKey())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (String topic : group.getValue()) {
                    kafka.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                            .get(topic).partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()),
                                    OffsetSpec.latest()));
                }
                var ends = kafka.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                for (String topic : group.getValue()) {
                    long behind = 0;
                    for (var end : ends.entrySet()) {
                        if (end.getKey().topic().equals(topic)) {
                            OffsetAndMetadata done = committed.get(end.getKey());
                            behind += end.getValue().offset() - (done == null ? 0 : done.offset());
                        }
                    }
                    record(group.getKey(), topic, behind);
                }
            }
        } catch (Exception e) {
            // the broker may be restarting: the next round measures again
            LOG.debugf("consumer lag not measured: %s", e);
        }
    }

    private void record(String group, String topic, long behind) {
        String key = group + " " + topic;
        if (lag.put(key, behind) == null) {
            Gauge.builder("looplab_consumer_lag", lag, m -> m.getOrDefault(key, 0L)).tag("group", group)
                    .tag("topic", topic).description("records not yet processed by the group").register(registry);
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(kafka.with(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000)));
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
