package dev.looplab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
public final class EmbeddedS3 implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedS3.class);

    /** Region the MinIO clients of this server should use; S3Proxy accepts any, naming it skips a lookup. */
    public static final String REGION = "us-east-1";

    /** Default credentials of the embedded server. */
    public static final String DEFAULT_ACCESS_KEY = "looplab";
    public static final String DEFAULT_SECRET_KEY = "looplab-secret-key";

    /** How long {@link #start} waits for the server to list buckets. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(180);

    private final ServiceDirectory directory;
    private final ChildProcess process;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private volatile Duration startupTime = Duration.ZERO;

    private EmbeddedS3(ServiceDirectory directory, ChildProcess process, int port, String accessKey, String secretKey) {
        this.directory = directory;
        this.process = process;
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
        ChildProcess process = ChildProcess.startJava("s3proxy", List.of(
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                        "-Djava.awt.headless=true",
                        "-Dlogback.configurationFile=" + logback),
                S3ProxyRuntime.classpathString(), S3ProxyRuntime.LAUNCHER_CLASS,
                List.of("--properties", properties.toString()), dir.path(), dir.path().resolve("s3proxy.log"));
        EmbeddedS3 s3 = new EmbeddedS3(dir, process, httpPort, accessKey, secretKey);
        try {
            s3.awaitReady(DEFAULT_STARTUP_TIMEOUT);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
        s3.startupTime = Duration.ofNanos(System.nanoTime() - began);
        LOG.infof("S3 server ready at %s in %d ms (data %s)", s3.endpoint(), s3.startupTime.toMillis(), blobs);
        return s3;
    }

    /** Returns {@code http://127.0.0.1:<port>}. */
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
    public void close() {
        process.stop(Duration.ofSeconds(15));
        directory.deleteIfTemporary();
    }
}
