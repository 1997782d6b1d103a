package dev.looplab.platform.run;

import dev.looplab.events.Topics;
import dev.looplab.platform.messaging.Publisher;
import dev.looplab.platform.trial.TrialRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The platform's side of fair scheduling ({@code looplab.runs.dispatch=fair}): runs wait here (and, for a restart,
 * as un-requested trials in PostgreSQL) until a worker of {@code looplab-workers} has room; a thread hands them out
 * every {@code looplab.runs.tick} and at once after a claim or a finish.
 */
@ApplicationScoped
public class RunDispatcher {
    private static final Logger LOG = Logger.getLogger(RunDispatcher.class);
    private static final Duration QUIET = Duration.ofSeconds(60);
    /** How long runs may wait for a first worker before that is a warning (workers join seconds after start). */
    private static final Duration NO_WORKER_GRACE = Duration.ofSeconds(30);

    @Inject
    RunsConfig config;
    @Inject
    Publisher publisher;
    @Inject
    TrialRepository trials;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    /** The workers' consumer group (the worker's {@code RunConsumer.GROUP}), as {@code WorkerPool} reads it. */
    @ConfigProperty(name = "looplab.workers.group", defaultValue = "looplab-workers")
    String workersGroup;

    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Admin admin;
    private WorkerGroup group;
    private FairDispatcher fair;
    private Thread loop;
    private long lastWarnNanos;
    /** Since when runs have waited with no worker in the group (-1: not now). */
    private long noWorkerSinceNanos = -1;

    void onStart(@Observes StartupEvent event) {
        if (config.dispatch() == RunsConfig.Dispatch.fair) {
            start();
        }
    }

    /** Queues a run for the next worker with room. */
    public void enqueue(FairDispatcher.QueuedRun run) {
        start().enqueue(run);
        wake();
    }

    /** A worker may have room (it claimed or finished a run): dispatch now rather than at the next tick. */
    public void wake() {
        if (running) {
            wake.release();
        }
    }

    private synchronized FairDispatcher start() {
        if (fair != null) {
            return fair;
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        group = new WorkerGroup(admin, workersGroup, Topics.RUNS);
        try {
            group.ensurePartitions(config.partitions());
        } catch (RuntimeException e) {
            LOG.warnf("could not grow run topic %s to %d partitions (%s): workers beyond its partition count get"
                    + " no work", Topics.RUNS, config.partitions(), e.getMessage());
        }
        fair = new FairDispatcher(group, publisher::requestRun, new LeaseClaims(), config.backlog());
        Gauge.builder("looplab_runs_waiting", fair, FairDispatcher::waiting)
                .description("runs held by the platform until a worker has room").register(registry);
        Gauge.builder("looplab_runs_dispatched", fair, FairDispatcher::dispatched)
                .description("runs sent to a worker's partition and not claimed yet").register(registry);
        Gauge.builder("looplab_run_workers", this, RunDispatcher::liveWorkers)
                .description("workers in looplab-workers owning a run-topic partition").register(registry);
        running = true;
        loop = new Thread(this::dispatchLoop, "looplab-run-dispatcher");
        loop.setDaemon(true);
        loop.start();
        LOG.infof("fair run dispatch: runs go to workers of %s with room (backlog %d per busy worker, tick %s)",
                workersGroup, config.backlog(), config.tick());
        return fair;
    }

    private double liveWorkers() {
        try {
            return group.members().size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void dispatchLoop() {
        while (running) {
            try {
                wake.tryAcquire(config.tick().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            try {
                fair.dispatch();
                if (fair.waiting() > 0 && group.members().isEmpty()) {
                    // workers join a few seconds after the platform starts: only a wait past that is worth a warning
                    long now = System.nanoTime();
                    if (noWorkerSinceNanos < 0) {
                        noWorkerSinceNanos = now;
                    } else if (now - noWorkerSinceNanos > NO_WORKER_GRACE.toNanos()) {
                        quietly("%d run(s) have waited %d s for a worker: no worker of group %s owns a partition of"
                                + " %s; they are sent when one joins (is a worker running against this Kafka?)",
                                fair.waiting(), Duration.ofNanos(now - noWorkerSinceNanos).toSeconds(), workersGroup,
                                Topics.RUNS);
                    }
                } else {
                    noWorkerSinceNanos = -1;
                }
            } catch (RuntimeException e) {
                // the broker may be restarting; the runs stay queued
                quietly("%d run(s) held: the workers' group %s could not be read from Kafka (%s); if the platform may"
                        + " not describe it, set looplab.runs.dispatch=direct", fair.waiting(), workersGroup,
                        e.getMessage());
            }
        }
    }

    private void quietly(String format, Object... args) {
        if (System.nanoTime() - lastWarnNanos > QUIET.toNanos()) {
            lastWarnNanos = System.nanoTime();
            LOG.warnf(format, args);
        }
    }

    @PreDestroy
    synchronized void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** What the lease rows say: who runs what, and which sent runs were claimed. */
    private final class LeaseClaims implements FairDispatcher.Claims {
        @Override
        public Map<String, Integer> runningByWorker() {
            return QuarkusTransaction.requiringNew().call(() -> trials.countRunningByWorker());
        }

        @Override
        public Set<String> taken(java.util.Collection<String> attempts) {
            return QuarkusTransaction.requiringNew().call(() -> trials.findTakenAttempts(List.copyOf(attempts)));
        }
    }
}
