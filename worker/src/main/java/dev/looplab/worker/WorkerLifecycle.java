package dev.looplab.worker;

import dev.looplab.runtime.djl.DjlRuntime;
import dev.looplab.worker.artifact.ArtifactStore;
import dev.looplab.access.ServiceAccessClient;
import dev.looplab.worker.config.WorkerConfig;
import dev.looplab.worker.config.WorkerServices;
import dev.looplab.events.Topics;
import dev.looplab.worker.run.LeaseHeartbeat;
import dev.looplab.worker.run.LeasedTrials;
import dev.looplab.worker.run.PlatformLeases;
import dev.looplab.worker.run.RunConsumer;
import dev.looplab.worker.run.TrialHandler;
import dev.looplab.worker.run.TaskResolver;
import dev.looplab.worker.run.TrialEventPublisher;
import dev.looplab.worker.run.TrialRunner;
import dev.looplab.worker.sandbox.TrainingCommand;
import dev.looplab.worker.sandbox.SandboxUnavailableException;
import dev.looplab.worker.sandbox.TrialSandbox;
import dev.looplab.worker.sandbox.Unconfined;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Starts the worker's run consumer when the app starts and stops it, trial included, on shutdown. */
@ApplicationScoped
public class WorkerLifecycle {
    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);

    @Inject
    WorkerConfig config;

    @Inject
    TaskResolver tasks;

    @Inject
    TrialSandbox sandbox;

    @Inject
    MeterRegistry registry;

    private ArtifactStore artifacts;

    private TrialEventPublisher events;
    private RunConsumer consumer;
    private LeaseHeartbeat heartbeat;

    void onStart(@Observes StartupEvent event) {
        String workerId = workerId();
        // the token is read once here and handed only to the HTTP and git clients: trials never see it
        java.util.Optional<dev.looplab.access.PlatformToken> token = dev.looplab.access.PlatformToken.of(
                config.platform().token().orElse(null), config.platform().tokenFile().orElse(null));
        // a worker on another host is given only the platform's URL and a token: it asks there for what is unset
        WorkerServices services = WorkerServices.resolve(config, () -> ServiceAccessClient.fetch(
                config.platform().url().orElseThrow(), token, ServiceAccessClient.Joiner.WORKER,
                config.platform().joinTimeout()));
        LOG.infof("Kafka and S3: %s", services);
        artifacts = ArtifactStore.connect(services.s3Endpoint(), services.s3AccessKey(), services.s3SecretKey(),
                services.s3Region(), services.s3Bucket(), config.s3().partSizeMib() * 1024L * 1024L);
        try {
            artifacts.ensureBucket();
        } catch (RuntimeException e) {
            // not fatal: /q/health/ready says so, and uploads retry when the store is back
            LOG.errorf("artifact store not reachable at start: %s", e.getMessage());
        }
        Map<String, Object> kafkaLogin = services.kafkaLogin().clientConfig();
        events = new TrialEventPublisher(services.kafkaBootstrap(), workerId, kafkaLogin);
        TrialRunner runner = new TrialRunner(new TrialRunner.Settings(workerId, config.home().toAbsolutePath(),
                config.worker().threads(), Duration.ofSeconds(config.worker().minGraceSeconds()),
                config.worker().keepWorkDirs(), DjlRuntime::classpathString, sandbox,
                config.worker().devices().orElse(null), config.worker().python(),
                TrainingCommand.ceilingFactor(config.worker().wallCeilingFactor())), tasks, artifacts, events, token,
                config.platform().url().filter(u -> !u.isBlank()));
        checkSandbox();
        PlatformLeases platform = config.platform().url().filter(u -> !u.isBlank())
                .map(url -> new PlatformLeases(url, workerId, token)).orElse(null);
        heartbeat = new LeaseHeartbeat(events, platform, workerId);
        TrialHandler leased = new LeasedTrials(runner::run, platform, heartbeat,
                Duration.ofSeconds(config.worker().heartbeatSeconds()));
        consumer = new RunConsumer(services.kafkaBootstrap(), workerId, leased, Topics.RUNS,
                withLogin(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.kafka().sessionTimeoutMs(),
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(1000, config.kafka().sessionTimeoutMs() / 3)),
                        kafkaLogin),
                letter -> {
                    registry.counter("looplab_dead_letters_total", "topic", letter.topic(), "consumer",
                            RunConsumer.CONSUMER).increment();
                    events.publishDeadLetter(letter);
                });
        consumer.start();
        io.micrometer.core.instrument.Gauge.builder("looplab_worker_busy", consumer, c -> c.isBusy() ? 1 : 0)
                .description("1 while a trial runs").register(registry);
        io.micrometer.core.instrument.Gauge.builder("looplab_worker_assigned_partitions", consumer,
                RunConsumer::assignedPartitions).description("partitions of looplab.runs this worker holds")
                .register(registry);
        LOG.infof("worker %s started: home %s, artifacts in bucket %s, %s", workerId, config.home().toAbsolutePath(),
                services.s3Bucket(), platform == null ? "running every request it reads (no looplab.platform.url)"
                        : "claiming attempts from " + config.platform().url().get());
    }

    private static Map<String, Object> withLogin(Map<String, Object> settings, Map<String, Object> login) {
        Map<String, Object> all = new java.util.HashMap<>(settings);
        all.putAll(login);
        return all;
    }

    /** Says at startup what each trial would otherwise only say when it is refused. */
    private void checkSandbox() {
        try {
            sandbox.ensureUsable();
            LOG.infof("trials run confined: %s", sandbox.description());
        } catch (SandboxUnavailableException e) {
            LOG.errorf("this worker refuses every trial until fixed: %s", e.getMessage());
        }
        if (sandbox instanceof Unconfined) {
            LOG.warnf("looplab.worker.sandbox=unsafe: trials run UNCONFINED (%s)", sandbox.description());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (consumer != null) {
            consumer.close();
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        if (events != null) {
            events.close();
        }
    }

    /** The run consumer, for the health checks; null before start. */
    public RunConsumer consumer() {
        return consumer;
    }

    /** The artifact store, for the health checks; null before start. */
    public ArtifactStore artifacts() {
        return artifacts;
    }

    /** {@code looplab.worker.id}, or {@code <hostname>-<pid>} so workers on one machine differ. */
    public String workerId() {
        return config.worker().id().orElseGet(() -> hostname() + "-" + ProcessHandle.current().pid());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
