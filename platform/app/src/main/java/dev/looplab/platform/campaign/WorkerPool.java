package dev.looplab.platform.campaign;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How many workers are alive: the members of the workers' Kafka consumer group (a worker stays a member while it
 * trains), asked at most every {@value #CACHE_MS} ms. Campaigns share these workers' slots.
 */
@ApplicationScoped
public class WorkerPool {
    private static final Logger LOG = Logger.getLogger(WorkerPool.class);
    static final long CACHE_MS = 10_000;

    @jakarta.inject.Inject
    dev.looplab.platform.messaging.KafkaAccess kafka;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "looplab.workers.group", defaultValue = "looplab-workers")
    String group;

    private Admin admin;
    private int live = -1;
    private long askedAtMs;
    private boolean warned;

    /** Live workers, at least the last count known (0 before any answer). */
    public synchronized int liveWorkers() {
        long now = System.currentTimeMillis();
        if (live >= 0 && now - askedAtMs < CACHE_MS) {
            return live;
        }
        askedAtMs = now;
        try {
            if (admin == null) {
                admin = Admin.create(kafka.with(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000)));
            }
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(5, TimeUnit.SECONDS).get(group);
            live = description == null ? 0 : description.members().size();
            warned = false;
        } catch (Exception e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                live = 0; // no worker has joined yet
                return 0;
            }
            if (!warned) {
                LOG.warnf("cannot count the workers of group %s (%s); campaigns keep %d slot(s) meanwhile", group,
                        e.getMessage(), Math.max(1, live));
                warned = true;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        return Math.max(live, 0);
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
