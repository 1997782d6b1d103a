package dev.looplab.infra;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

import io.minio.MinioClient;

/**
 * The Kafka, PostgreSQL and S3 services Looplab runs on: each external when configured, else
 * embedded and started here; closing stops the embedded ones in reverse order.
 */
public final class LooplabServices implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LooplabServices.class);

    /** Every Looplab topic, from the contract. */
    public static final List<String> TOPICS = dev.looplab.events.Topics.ALL;

    /** Partitions per Looplab topic. */
    public static final int TOPIC_PARTITIONS = 3;

    /**
     * Partitions of the run topic: a worker owns whole partitions, so there must be more than workers (the
     * platform's {@code looplab.runs.partitions}, whose default this is, grows a topic that has fewer).
     */
    public static final int RUN_TOPIC_PARTITIONS = 12;

    /** Bucket for trial artifacts. */
    public static final String BUCKET = "looplab-artifacts";

    private static volatile LooplabServices shared;

    private final ServiceEndpoints endpoints;
    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final boolean closable;
    private final Duration startupTime;

    private LooplabServices(ServiceEndpoints endpoints, EmbeddedPostgresServer postgres, EmbeddedKafka kafka,
                            EmbeddedS3 s3, boolean closable, Duration startupTime) {
        this.endpoints = endpoints;
        this.postgres = postgres;
        this.kafka = kafka;
        this.s3 = s3;
        this.closable = closable;
        this.startupTime = startupTime;
    }

    /**
     * Starts the embedded services {@code cfg} does not point elsewhere (in parallel), creates the
     * topics (when asked) and the artifact bucket, and returns where everything answers.
     *
     * @throws IllegalStateException when a service cannot start; those already started are stopped
     */
    public static LooplabServices start(ServicesConfig cfg) {
        return start(cfg, true, StartListener.NONE);
    }

    /** Like {@link #start(ServicesConfig)}, telling {@code listener} as each embedded service starts and is ready. */
    public static LooplabServices start(ServicesConfig cfg, StartListener listener) {
        return start(cfg, true, listener);
    }

    /** What a launcher shows while the services start: they start in parallel, so each is told on its own. */
    public interface StartListener {
        StartListener NONE = new StartListener() {
        };

        /** {@code service} ({@code kafka}, {@code postgresql}, {@code s3}) is being started. */
        default void starting(String service) {
        }

        /** {@code service} answers at {@code endpoint}, {@code took} after it was started. */
        default void ready(String service, String endpoint, Duration took) {
        }
    }

    /** Everything embedded, in temp dirs, non-durable, on free ports, topics created; close it when done. */
    public static LooplabServices forTests() {
        return start(ServicesConfig.forTests());
    }

    /**
     * One {@link #forTests()} set per JVM, started on first use and stopped when the JVM exits;
     * {@link #close()} on it does nothing, so test classes may share it freely.
     */
    public static LooplabServices sharedForTests() {
        LooplabServices current = shared;
        if (current == null) {
            synchronized (LooplabServices.class) {
                current = shared;
                if (current == null) {
                    current = start(ServicesConfig.forTests(), false, StartListener.NONE);
                    LooplabServices started = current;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::stopAll, "looplab-services-stop"));
                    shared = current;
                }
            }
        }
        return current;
    }

    private static LooplabServices start(ServicesConfig cfg, boolean closable, StartListener listener) {
        long began = System.nanoTime();
        // child JVMs and initdb overlap well even on two cores: much of their start is I/O and waiting
        CompletableFuture<EmbeddedPostgresServer> pg = cfg.dbUrl() != null ? CompletableFuture.completedFuture(null)
                : startAsync("postgresql", listener,
                        () -> EmbeddedPostgresServer.start(cfg.serviceDir("postgres"), 0, cfg.durable()));
        CompletableFuture<EmbeddedKafka> kafka = cfg.kafkaBootstrap() != null ? CompletableFuture.completedFuture(null)
                : startAsync("kafka", listener, () -> EmbeddedKafka.start(cfg.serviceDir("kafka"), 0));
        CompletableFuture<EmbeddedS3> s3 = cfg.s3Endpoint() != null ? CompletableFuture.completedFuture(null)
                : startAsync("s3", listener, () -> EmbeddedS3.start(cfg.serviceDir("s3"), 0,
                        cfg.s3AccessKey(), cfg.s3SecretKey()));
        EmbeddedPostgresServer pgServer = join(pg);
        EmbeddedKafka kafkaServer = join(kafka);
        EmbeddedS3 s3Server = join(s3);
        RuntimeException failure = firstFailure(pg, kafka, s3);
        LooplabServices services = new LooplabServices(new ServiceEndpoints(
                pgServer != null ? pgServer.jdbcUrl() : cfg.dbUrl(),
                pgServer != null ? pgServer.username() : cfg.dbUser(),
                pgServer != null ? pgServer.password() : cfg.dbPassword(),
                kafkaServer != null ? kafkaServer.bootstrapServers() : cfg.kafkaBootstrap(),
                s3Server != null ? s3Server.endpoint() : cfg.s3Endpoint(),
                cfg.s3AccessKey(), cfg.s3SecretKey(), BUCKET),
                pgServer, kafkaServer, s3Server, closable,
                Duration.ofNanos(System.nanoTime() - began));
        if (failure != null) {
            services.stopAll();
            throw failure;
        }
        try {
            if (cfg.createTopics()) {
                try (Admin admin = KafkaTopics.admin(services.endpoints.kafkaBootstrap())) {
                    String runs = dev.looplab.events.Topics.RUNS;
                    KafkaTopics.ensure(admin, services.endpoints.kafkaBootstrap(), List.of(runs), RUN_TOPIC_PARTITIONS);
                    KafkaTopics.ensure(admin, services.endpoints.kafkaBootstrap(),
                            TOPICS.stream().filter(t -> !t.equals(runs)).toList(), TOPIC_PARTITIONS);
                }
            }
            MinioClient client = MinioClient.builder().endpoint(services.endpoints.s3Endpoint())
                    .region(EmbeddedS3.REGION)
                    .credentials(cfg.s3AccessKey(), cfg.s3SecretKey()).build();
            EmbeddedS3.ensureBucket(client, BUCKET);
        } catch (RuntimeException e) {
            services.stopAll();
            throw e;
        }
        Duration total = Duration.ofNanos(System.nanoTime() - began);
        LOG.infof("Looplab services ready in %d ms: %s", total.toMillis(), services.endpoints);
        return new LooplabServices(services.endpoints, pgServer, kafkaServer, s3Server, closable, total);
    }

    private static <T extends EmbeddedService> CompletableFuture<T> startAsync(String name, StartListener listener,
                                                                               Supplier<T> start) {
        listener.starting(name);
        long began = System.nanoTime();
        return CompletableFuture.supplyAsync(start).thenApply(service -> {
            listener.ready(name, service.endpoint(), Duration.ofNanos(System.nanoTime() - began));
            return service;
        });
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            return null;
        }
    }

    private static RuntimeException firstFailure(CompletableFuture<?>... futures) {
        for (CompletableFuture<?> f : futures) {
            if (f.isCompletedExceptionally()) {
                try {
                    f.join();
                } catch (CompletionException e) {
                    return e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                }
            }
        }
        return null;
    }

    /** Returns where the services answer. */
    public ServiceEndpoints endpoints() {
        return endpoints;
    }

    public String jdbcUrl() {
        return endpoints.jdbcUrl();
    }

    public String kafkaBootstrap() {
        return endpoints.kafkaBootstrap();
    }

    public String s3Endpoint() {
        return endpoints.s3Endpoint();
    }

    /** Returns the embedded PostgreSQL, or {@code null} when an external one is configured. */
    public EmbeddedPostgresServer embeddedPostgres() {
        return postgres;
    }

    /** Returns the embedded Kafka broker, or {@code null} when an external cluster is configured. */
    public EmbeddedKafka embeddedKafka() {
        return kafka;
    }

    /** Returns the embedded services in start order (PostgreSQL, Kafka, S3), without the external ones. */
    public List<EmbeddedService> embedded() {
        return java.util.stream.Stream.of(postgres, kafka, s3).filter(java.util.Objects::nonNull)
                .map(EmbeddedService.class::cast).toList();
    }

    /** Returns the embedded S3 server, or {@code null} when an external one is configured. */
    public EmbeddedS3 embeddedS3() {
        return s3;
    }

    /** Returns how long {@link #start} took, topics and bucket included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the embedded services in reverse start order (S3, Kafka, PostgreSQL); a no-op on the shared test set. */
    @Override
    public void close() {
        if (closable) {
            stopAll();
        }
    }

    private void stopAll() {
        Deque<AutoCloseable> stack = new ArrayDeque<>();
        if (postgres != null) {
            stack.push(postgres);
        }
        if (kafka != null) {
            stack.push(kafka);
        }
        if (s3 != null) {
            stack.push(s3);
        }
        while (!stack.isEmpty()) {
            AutoCloseable service = stack.pop();
            try {
                service.close();
            } catch (Exception e) {
                LOG.warnf(e, "While stopping %s", service.getClass().getSimpleName());
            }
        }
    }
}
