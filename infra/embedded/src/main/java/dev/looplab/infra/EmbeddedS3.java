package dev.looplab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;

import org.jboss.logging.Logger;

import dev.looplab.runtime.s3proxy.S3ProxyRuntime;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;

/**
 * A real S3-compatible server (S3Proxy 2.6 over the jclouds filesystem provider) running in a
 * child JVM on 127.0.0.1 with AWS v2/v4 signature checking.
 */
public final class EmbeddedS3 implements EmbeddedService {

    private static final Logger LOG = Logger.getLogger(EmbeddedS3.class);

    /** Region the MinIO clients of this server should use; S3Proxy accepts any, naming it skips a lookup. */
    public static final String REGION = "us-east-1";

    /** Default credentials of the embedded server. */
    public static final String DEFAULT_ACCESS_KEY = "looplab";
    public static final String DEFAULT_SECRET_KEY = "looplab-secret-key";

    /** How long {@link #start} waits for the server to list buckets. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(180);

    private final ServiceDirectory directory;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private volatile ChildProcess process;
    private volatile Duration startupTime = Duration.ZERO;
    private boolean closed;

    private EmbeddedS3(ServiceDirectory directory, int port, String accessKey, String secretKey) {
        this.directory = directory;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts a server in a temp directory on a free port with the default credentials. */
    public static EmbeddedS3 start() {
        return start(null, 0, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    }

    /**
     * Starts a server storing objects under {@code dataDir} ({@code null} for a temp dir deleted on
     * close) on {@code port} ({@code 0} for a free one, reused across restarts of the same dir).
     *
     * @throws IllegalStateException when the server does not answer; the message holds its log tail
     */
    public static EmbeddedS3 start(Path dataDir, int port, String accessKey, String secretKey) {
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("S3 access key and secret key must not be blank");
        }
        long began = System.nanoTime();
        ServiceDirectory dir = ServiceDirectory.of(dataDir, "looplab-s3-");
        int httpPort = LocalPorts.choose(port, dir.temporary() ? null : dir.path().resolve("s3proxy.port"));
        Path blobs = dir.path().resolve("blobs");
        Path properties = dir.path().resolve("s3proxy.properties");
        Path logback = dir.path().resolve("logback.xml");
        try {
            Files.createDirectories(blobs);
            Files.writeString(logback, S3ProxyRuntime.logbackXml(), StandardCharsets.UTF_8);
            Properties p = new Properties();
            p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + httpPort);
            p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
            p.setProperty("s3proxy.identity", accessKey);
            p.setProperty("s3proxy.credential", secretKey);
            p.setProperty("jclouds.provider", "filesystem");
            p.setProperty("jclouds.filesystem.basedir", blobs.toString());
            p.setProperty("jclouds.identity", accessKey);
            p.setProperty("jclouds.credential", secretKey);
            try (var out = Files.newBufferedWriter(properties, StandardCharsets.UTF_8)) {
                p.store(out, "written by looplab EmbeddedS3 on each start");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the S3 directory " + dir.path(), e);
        }
        EmbeddedS3 s3 = new EmbeddedS3(dir, httpPort, accessKey, secretKey);
        try {
            s3.launch();
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
        s3.startupTime = Duration.ofNanos(System.nanoTime() - began);
        LOG.infof("S3 server ready at %s in %d ms (data %s)", s3.endpoint(), s3.startupTime.toMillis(), blobs);
        return s3;
    }

    // The same properties, port and blob dir every time: a restarted server serves the same objects.
    private void launch() {
        process = ChildProcess.startJava("s3proxy", List.of(
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                        "-Djava.awt.headless=true",
                        "-Dlogback.configurationFile=" + directory.path().resolve("logback.xml")),
                S3ProxyRuntime.classpathString(), S3ProxyRuntime.LAUNCHER_CLASS,
                List.of("--properties", directory.path().resolve("s3proxy.properties").toString()), directory.path(),
                directory.path().resolve("s3proxy.log"));
        awaitReady(DEFAULT_STARTUP_TIMEOUT);
    }

    @Override
    public String name() {
        return "s3";
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

    @Override
    public Path logFile() {
        return process.logFile();
    }

    /**
     * Starts the server again on the same port and blob directory; what is left of the old process is killed first.
     *
     * @throws IllegalStateException when it is closed or does not answer; the message holds its log tail
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the S3 server at " + endpoint() + " is closed");
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
        LOG.infof("S3 server restarted at %s in %d ms", endpoint(), startupTime.toMillis());
    }

    /** Returns {@code http://127.0.0.1:<port>}. */
    @Override
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Returns the server's directory (properties, blobs/, s3proxy.log). */
    public Path directory() {
        return directory.path();
    }

    /** Returns the server JVM's process handle. */
    public ProcessHandle process() {
        return process.handle();
    }

    /** Returns how long {@link #start} took until the server answered. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Returns a new MinIO client for this server. */
    public MinioClient client() {
        return MinioClient.builder().endpoint(endpoint()).region(REGION).credentials(accessKey, secretKey).build();
    }

    /** Creates {@code bucket} unless it exists. */
    public void ensureBucket(String bucket) {
        ensureBucket(client(), bucket);
    }

    /** Creates {@code bucket} through {@code client} unless it exists; works on any S3 server. */
    public static void ensureBucket(MinioClient client, String bucket) {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw new IllegalStateException("Cannot create bucket '" + bucket + "': " + code + " "
                        + e.errorResponse().message(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create bucket '" + bucket + "': " + e
                    + " (check the S3 endpoint and credentials)", e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        MinioClient client = client();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited during startup (see " + process.logFile()
                        + "); log tail:\n" + process.logTail(40));
            }
            try {
                client.listBuckets();
                return;
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for S3Proxy", e);
            }
        }
        throw new IllegalStateException("S3Proxy at " + endpoint() + " was not ready within " + timeout
                + " (last error: " + last + "); the machine may be overloaded. Log " + process.logFile()
                + " tail:\n" + process.logTail(40));
    }

    /** Stops the server and deletes a temp data dir. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
        directory.deleteIfTemporary();
    }
}
