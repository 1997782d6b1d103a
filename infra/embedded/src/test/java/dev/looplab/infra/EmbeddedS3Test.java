package dev.looplab.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;

class EmbeddedS3Test {

    private static EmbeddedS3 s3;

    @BeforeAll
    static void startServer() {
        s3 = EmbeddedS3.start();
        System.out.println("s3proxy temp start: " + s3.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void givenTheServerKilledWithSigkill_whenRestarted_thenItServesTheSameObjectsOnTheSamePort() throws Exception {
        // given an object in a bucket
        s3.ensureBucket("looplab-restart");
        byte[] bytes = "kept across a crash".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        s3.client().putObject(PutObjectArgs.builder().bucket("looplab-restart").object("o")
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        String endpoint = s3.endpoint();
        ProcessHandle killed = s3.process();

        // when its JVM is killed and it is restarted
        killed.destroyForcibly();
        killed.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(s3.isRunning()).isFalse();
        s3.restart();

        // then it answers on the same endpoint with the object
        assertThat(s3.isRunning()).isTrue();
        assertThat(s3.endpoint()).isEqualTo(endpoint);
        try (InputStream in = s3.client().getObject(GetObjectArgs.builder().bucket("looplab-restart").object("o").build())) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void anObjectPutThroughMinioComesBackWithItsSizeAndBytes() throws Exception {
        // given a bucket and 300 KB of random bytes
        s3.ensureBucket("looplab-artifacts");
        byte[] bytes = new byte[300 * 1024 + 7];
        new Random(42).nextBytes(bytes);
        MinioClient client = s3.client();

        // when they are put as an object
        client.putObject(PutObjectArgs.builder().bucket("looplab-artifacts").object("trials/t-1/model.bin")
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                .contentType("application/octet-stream").build());

        // then stat reports the size and get returns the same bytes
        StatObjectResponse stat = client.statObject(StatObjectArgs.builder()
                .bucket("looplab-artifacts").object("trials/t-1/model.bin").build());
        assertThat(stat.size()).isEqualTo(bytes.length);
        try (InputStream in = client.getObject(GetObjectArgs.builder()
                .bucket("looplab-artifacts").object("trials/t-1/model.bin").build())) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void ensureBucketIsIdempotent() throws Exception {
        // given a bucket that exists
        s3.ensureBucket("looplab-twice");

        // when it is ensured again
        s3.ensureBucket("looplab-twice");

        // then it is listed once
        assertThat(s3.client().listBuckets())
                .filteredOn(b -> b.name().equals("looplab-twice")).hasSize(1);
    }

    @Test
    void aWrongSecretIsRefused() {
        // given a client with a wrong secret
        MinioClient intruder = MinioClient.builder().endpoint(s3.endpoint()).region(EmbeddedS3.REGION)
                .credentials(s3.accessKey(), "not-the-secret").build();

        // then the server refuses it
        assertThatThrownBy(intruder::listBuckets).isInstanceOfSatisfying(ErrorResponseException.class,
                e -> assertThat(e.errorResponse().code()).isEqualTo("SignatureDoesNotMatch"));
    }

    @Test
    void aKeptDirectoryHoldsTheObjectsAfterStopAndNoProcessIsLeft(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // given a server on a kept directory that stored an object
        byte[] bytes = "hello".getBytes();
        EmbeddedS3 server = EmbeddedS3.start(dir, 0, "k", "secret-k");
        ProcessHandle process = server.process();
        server.ensureBucket("kept");
        server.client().putObject(PutObjectArgs.builder().bucket("kept").object("runs/a.txt")
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());

        // when it is stopped
        server.close();

        // then no process is left and the object is a plain file under blobs/, ready for the next start
        assertThat(process.isAlive()).isFalse();
        assertThat(ChildProcesses.alive(dir.toString())).isEmpty();
        assertThat(dir.resolve("blobs/kept/runs/a.txt")).hasBinaryContent(bytes);
    }
}
