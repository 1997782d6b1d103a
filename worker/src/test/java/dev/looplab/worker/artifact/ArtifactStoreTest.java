package dev.looplab.worker.artifact;

import dev.looplab.events.ArtifactRef;
import dev.looplab.infra.LooplabServices;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ArtifactStoreTest {
    private static LooplabServices services;
    private static MinioClient s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() {
        services = LooplabServices.sharedForTests();
        s3 = MinioClient.builder().endpoint(services.s3Endpoint())
                .credentials(services.endpoints().s3AccessKey(), services.endpoints().s3SecretKey()).region("us-east-1").build();
    }

    @AfterAll
    static void stopS3() {
        // the shared set stops when the JVM exits
        services.close();
    }

    private ArtifactStore store(String bucket) {
        ArtifactStore store = ArtifactStore.connect(services.s3Endpoint(), services.endpoints().s3AccessKey(),
                services.endpoints().s3SecretKey(), "us-east-1", bucket);
        store.ensureBucket();
        return store;
    }

    @Test
    void storesAFileUnderTheHashOfItsContent() throws Exception {
        // given a file and a fresh bucket
        ArtifactStore store = store("worker-art-" + UUID.randomUUID().toString().substring(0, 8));
        Path file = dir.resolve("model.bin");
        Files.write(file, new byte[]{1, 2, 3, 4, 5});

        // when it is stored
        ArtifactRef ref = store.put("model.bin", file);

        // then the key is its sha256 and the object holds exactly its bytes
        assertThat(ref.sha256()).isEqualTo(Sha256.of(file));
        assertThat(ref.key()).isEqualTo("sha256/" + ref.sha256());
        assertThat(ref.sizeBytes()).isEqualTo(5);
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(store.bucket()).object(ref.key()).build())) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3, 4, 5);
        }
    }

    @Test
    void aKeyThatIsStoredAlreadyIsNotUploadedAgain() throws Exception {
        // given an object already under the key of a file's content (planted with other bytes of the same size,
        // so a second upload would be visible)
        ArtifactStore store = store("worker-art-" + UUID.randomUUID().toString().substring(0, 8));
        Path file = dir.resolve("a.log");
        Files.writeString(file, "same bytes");
        String key = ArtifactStore.keyOf(Sha256.of(file));
        byte[] planted = "SAME BYTES".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        s3.putObject(io.minio.PutObjectArgs.builder().bucket(store.bucket()).object(key)
                .stream(new java.io.ByteArrayInputStream(planted), planted.length, -1).build());

        // when the file is stored
        ArtifactRef ref = store.put("a.log", file);

        // then the existing object was kept as it was
        assertThat(ref.key()).isEqualTo(key);
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(store.bucket()).object(key).build())) {
            assertThat(in.readAllBytes()).isEqualTo(planted);
        }
    }

    @Test
    void aMissingObjectHasNoStoredSize() {
        ArtifactStore store = store("worker-art-" + UUID.randomUUID().toString().substring(0, 8));

        assertThat(store.storedSize(ArtifactStore.keyOf("00"))).isNull();
    }

    @Test
    void aFileLargerThanOnePartGoesUpInPartsAndRoundTripsWithItsHash() throws Exception {
        // given a store with S3's smallest part size and a file of two and a half parts
        ArtifactStore store = new ArtifactStore(s3, "worker-art-" + UUID.randomUUID().toString().substring(0, 8),
                ArtifactStore.MIN_PART_SIZE);
        store.ensureBucket();
        Path file = dir.resolve("model.bin");
        byte[] bytes = new byte[(int) (ArtifactStore.MIN_PART_SIZE * 5 / 2)];
        new java.util.Random(42).nextBytes(bytes);
        Files.write(file, bytes);

        // when it is stored
        ArtifactRef ref = store.put("model.bin", file);

        // then it went up as a three-part upload (S3 marks such an ETag with -<parts>) and reads back whole
        String etag = s3.statObject(io.minio.StatObjectArgs.builder().bucket(store.bucket()).object(ref.key()).build())
                .etag();
        assertThat(etag).endsWith("-3");
        assertThat(ref.sizeBytes()).isEqualTo(bytes.length);
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(store.bucket()).object(ref.key()).build())) {
            assertThat(Sha256.of(in.readAllBytes())).isEqualTo(ref.sha256()).isEqualTo(Sha256.of(bytes));
        }
    }

    @Test
    void aPartSizeS3RefusesIsNamedWithTheSettingThatFixesIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ArtifactStore(s3, "any", 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("looplab.s3.part-size-mib");
    }
}
