package dev.looplab.platform.run;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The workers' consumer group as the broker sees it: which workers are in it and which partitions of the run
 * topic each owns, read with the admin client and kept for a second (a rebalance shows within that).
 */
public final class WorkerGroup {
    private static final Logger LOG = Logger.getLogger(WorkerGroup.class);
    static final Duration CACHE = Duration.ofSeconds(1);

    private final Admin admin;
    private final String group;
    private final String topic;
    private volatile List<Member> members = List.of();
    private volatile long readAtNanos;

    /** A worker in the group: its client id (the worker id) and the run-topic partitions it owns, in order. */
    public record Member(String clientId, String memberId, List<Integer> partitions) {
        public Member {
            partitions = List.copyOf(partitions);
        }
    }

    public WorkerGroup(Admin admin, String group, String topic) {
        this.admin = admin;
        this.group = group;
        this.topic = topic;
    }

    /** The members owning at least one partition of the run topic; read again when the last read is a second old. */
    public List<Member> members() {
        if (System.nanoTime() - readAtNanos > CACHE.toNanos()) {
            members = describe();
            readAtNanos = System.nanoTime();
        }
        return members;
    }

    /** Forgets the cached members, so the next {@link #members()} asks the broker. */
    public void refresh() {
        readAtNanos = 0;
    }

    private List<Member> describe() {
        ConsumerGroupDescription description;
        try {
            description = get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of(); // no worker has joined yet
            }
            throw e;
        }
        return description.members().stream()
                .map(m -> new Member(m.clientId(), m.consumerId(), m.assignment().topicPartitions().stream()
                        .filter(p -> p.topic().equals(topic)).map(TopicPartition::partition).sorted().toList()))
                .filter(m -> !m.partitions().isEmpty())
                .sorted(Comparator.comparing(Member::clientId).thenComparing(Member::memberId))
                .toList();
    }

    /**
     * Grows the run topic to {@code wanted} partitions when it has fewer (never shrinks it: Kafka cannot); a topic
     * that does not exist yet is left to whoever creates the topics. Returns the partition count after.
     */
    public int ensurePartitions(int wanted) {
        Map<String, TopicDescription> topics;
        try {
            topics = get(admin.describeTopics(List.of(topic)).allTopicNames());
        } catch (IllegalStateException e) {
            LOG.infof("run topic %s not described (%s); it gets its partitions when it is created", topic,
                    e.getMessage());
            return 0;
        }
        int now = topics.get(topic).partitions().size();
        if (now >= wanted) {
            return now;
        }
        get(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(wanted))).all());
        LOG.infof("grew run topic %s from %d to %d partitions (looplab.runs.partitions), so every worker can own"
                + " one; workers see the new partitions at their next metadata refresh", topic, now, wanted);
        return wanted;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
    }
}
