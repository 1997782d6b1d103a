package dev.looplab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

import dev.looplab.runtime.kafka.KafkaRuntime;

/**
 * A real Apache Kafka 4.4 broker (KRaft, combined broker and controller, node id 1) running in a
 * child JVM on 127.0.0.1, with every replication factor set to 1.
 */
public final class EmbeddedKafka implements EmbeddedService {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafka.class);

    /** How long {@link #start} waits for the broker to answer an AdminClient. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(180);

    private final ServiceDirectory directory;
    private final int port;
    private final Duration startupTimeout;
    private volatile ChildProcess process;
    private volatile Duration startupTime = Duration.ZERO;
    private boolean closed;

    private EmbeddedKafka(ServiceDirectory directory, int port, Duration startupTimeout) {
        this.directory = directory;
        this.port = port;
        this.startupTimeout = startupTimeout;
    }

    /** Starts a broker in a temp directory on a free port. */
    public static EmbeddedKafka start() {
        return start(null, 0);
    }

    /**
     * Starts a broker keeping its data in {@code dataDir} (formatted on first use only; {@code null}
     * for a temp dir deleted on close) listening on {@code port} ({@code 0} for a free one, reused
     * across restarts of the same dir while it stays free).
     *
     * @throws IllegalStateException when the broker does not become ready; the message holds its log tail
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, port, DEFAULT_STARTUP_TIMEOUT);
    }

    /** Like {@link #start(Path, int)} with an explicit readiness timeout. */
    public static EmbeddedKafka start(Path dataDir, int port, Duration startupTimeout) {
        long began = System.nanoTime();
        ServiceDirectory dir = ServiceDirectory.of(dataDir, "looplab-kafka-");
        int brokerPort = LocalPorts.choose(port, dir.temporary() ? null : dir.path().resolve("broker.port"));
        int controllerPort = LocalPorts.choose(0, dir.temporary() ? null : dir.path().resolve("controller.port"));
        if (controllerPort == brokerPort) {
            controllerPort = LocalPorts.choose(0, null);
        }
        writeServerProperties(dir.path().resolve("server.properties"), dir.path().resolve("log"), brokerPort,
                controllerPort);
        EmbeddedKafka kafka = new EmbeddedKafka(dir, brokerPort, startupTimeout);
        try {
            kafka.launch();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        kafka.startupTime = Duration.ofNanos(System.nanoTime() - began);
        LOG.infof("Kafka broker ready at %s in %d ms (data %s)", kafka.bootstrapServers(),
                kafka.startupTime.toMillis(), dir.path());
        return kafka;
    }

    // The same command, config file, ports and log dir every time: a restarted broker is the same broker.
    private void launch() {
        process = ChildProcess.startJava("kafka", List.of(
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m", "-Xss1m",
                        "-Djava.awt.headless=true",
                        // slf4j-simple: the broker logs at INFO to stderr, i.e. to broker.log
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config=warn",
                        "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaConfig=warn",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"),
                KafkaRuntime.classpathString(), KafkaRuntime.LAUNCHER_CLASS,
                List.of(directory.path().resolve("server.properties").toString(), clusterId(directory.path())),
                directory.path(), directory.path().resolve("broker.log"));
        awaitReady(startupTimeout);
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String endpoint() {
        return bootstrapServers();
    }

    @Override
    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public long pid() {
        return process.isAlive() ? process.pid() : -1;
    }

    @Override
    public OptionalInt exitCode() {
        return process.exitCode();
    }

    /**
     * Starts the broker again on the same ports, config and log dir (a killed broker recovers its logs); what is
     * left of the old process is killed first.
     *
     * @throws IllegalStateException when it is closed or does not become ready; the message holds its log tail
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the Kafka broker at " + bootstrapServers() + " is closed");
        }
        long began = System.nanoTime();
        process.kill();
        try {
            launch();
        } catch (RuntimeException e) {
            process.kill();
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - began);
        LOG.infof("Kafka broker restarted at %s in %d ms", bootstrapServers(), startupTime.toMillis());
    }

    /** Returns {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Returns the broker's directory (config, log dir, broker.log). */
    public Path directory() {
        return directory.path();
    }

    /** Returns the file the broker's stdout and stderr go to. */
    @Override
    public Path logFile() {
        return process.logFile();
    }

    /** Returns the broker JVM's process handle. */
    public ProcessHandle process() {
        return process.handle();
    }

    /** Returns how long {@link #start} took until the broker answered. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Creates the topics that do not exist yet with {@code partitions} partitions and replication
     * factor 1; existing topics are left as they are.
     */
    public void createTopics(Collection<String> names, int partitions) {
        try (Admin admin = admin()) {
            KafkaTopics.ensure(admin, bootstrapServers(), names, partitions);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nbroker log tail:\n" + process.logTail(30), e);
        }
    }

    /** Returns a new AdminClient on this broker; the caller closes it. */
    public Admin admin() {
        return KafkaTopics.admin(bootstrapServers());
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The Kafka broker exited during startup (see "
                            + process.logFile() + "); log tail:\n" + process.logTail(40));
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
        throw new IllegalStateException("The Kafka broker at " + bootstrapServers() + " was not ready within "
                + timeout + " (last error: " + last + "); the machine may be overloaded. Log " + process.logFile()
                + " tail:\n" + process.logTail(40));
    }

    /** Stops the broker (cleanly when its data is kept) and deletes a temp data dir. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (process == null) {
            directory.deleteIfTemporary();
            return;
        }
        if (directory.temporary()) {
            process.kill(); // throw-away data: a clean shutdown buys nothing
        } else {
            process.stop(Duration.ofSeconds(60));
        }
        directory.deleteIfTemporary();
    }

    private static void writeServerProperties(Path file, Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        // static voters: a kept data dir restarts fine even when the controller port changes
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        // one broker: 50 offset partitions would only slow the first consumer group down
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("log.retention.hours", "168");
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "written by looplab EmbeddedKafka on each start");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    // The cluster id must stay the same for a kept dir: the formatted log dir records it.
    private static String clusterId(Path dir) {
        Path file = dir.resolve("cluster.id");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            String id;
            do {
                UUID uuid = UUID.randomUUID();
                ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                        .putLong(uuid.getLeastSignificantBits());
                id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
                // one id in 64 starts with '-', which the storage tool's argument parser takes for an option
            } while (id.startsWith("-"));
            Files.writeString(file, id, StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write " + file, e);
        }
    }
}
