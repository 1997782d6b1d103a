package dev.looplab.platform.artifact;

import dev.looplab.platform.trial.Artifact;
import dev.looplab.platform.trial.ArtifactRepository;

import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.support.RealServicesResource;
import dev.looplab.platform.support.TestTrials;
import dev.looplab.platform.trial.TrialRepository;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** Artifacts download straight from S3 through links the platform signs. */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class ArtifactDownloadTest {
    @Inject
    TrialRepository trials;
    @Inject
    ArtifactRepository artifacts;
    @Inject
    LooplabConfig config;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theListGivesEachFileALinkThatDownloadsItsExactBytes() throws Exception {
        // given a trial with a stored file in a sub folder
        String trial = TestTrials.running(trials, "platform-test");
        byte[] bytes = ("weights of " + trial).getBytes(StandardCharsets.UTF_8);
        String sha = store(trial, "ckpt/model.bin", bytes);

        // when the trial's artifacts are listed
        JsonPath listed = given().get("/api/trials/" + trial + "/artifacts").then().statusCode(200)
                .extract().jsonPath();

        // then the file is listed with its size and hash, and its link downloads exactly those bytes
        assertThat(listed.getList("name")).containsExactly("ckpt/model.bin");
        assertThat(listed.getLong("[0].sizeBytes")).isEqualTo(bytes.length);
        assertThat(listed.getString("[0].sha256")).isEqualTo(sha);
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(listed.getString("[0].url")))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(sha256(download.body())).isEqualTo(sha);
    }

    @Test
    void aFilesOwnPathRedirectsToItsSignedLink() throws Exception {
        // given a trial with a stored log
        String trial = TestTrials.running(trials, "platform-test");
        byte[] bytes = ("step 1 loss 5.0\nfrom " + trial).getBytes(StandardCharsets.UTF_8);
        String sha = store(trial, "train.log", bytes);

        // when its path is requested
        String location = given().redirects().follow(false).get("/api/trials/" + trial + "/artifacts/train.log")
                .then().statusCode(307).extract().header("Location");

        // then the redirect is a signed S3 link that serves the bytes without credentials
        assertThat(location).startsWith(config.s3().endpoint().orElseThrow()).contains("X-Amz-Signature=")
                .contains("X-Amz-Expires=" + config.s3().downloadUrlExpirySeconds());
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(sha256(download.body())).isEqualTo(sha);
    }

    @Test
    void anUnknownFileOrTrialIsA404ThatSaysWhereTheListIs() {
        String trial = TestTrials.running(trials, "platform-test");

        given().redirects().follow(false).get("/api/trials/" + trial + "/artifacts/missing.bin").then()
                .statusCode(404).body("error", containsString("no artifact 'missing.bin'"))
                .body("error", containsString("/api/trials/" + trial + "/artifacts lists"));
        given().get("/api/trials/no-such-trial/artifacts").then().statusCode(404)
                .body("error", containsString("unknown trial 'no-such-trial'"));
    }

    /** Stores the bytes as the worker does (content-addressed) and records the artifact as the outcome does. */
    private String store(String trial, String name, byte[] bytes) throws Exception {
        String sha = sha256(bytes);
        String key = "sha256/" + sha;
        LooplabConfig.S3 s3 = config.s3();
        MinioClient client = MinioClient.builder().endpoint(s3.endpoint().orElseThrow())
                .credentials(s3.accessKey().orElseThrow(), s3.secretKey().orElseThrow()).region(s3.region()).build();
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(s3.bucket()).build())) {
            client.makeBucket(MakeBucketArgs.builder().bucket(s3.bucket()).build());
        }
        client.putObject(PutObjectArgs.builder().bucket(s3.bucket()).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        Artifact artifact = new Artifact();
        artifact.trialId = trial;
        artifact.name = name;
        artifact.objectKey = key;
        artifact.sizeBytes = bytes.length;
        artifact.sha256 = sha;
        QuarkusTransaction.requiringNew().run(() -> artifacts.persist(artifact));
        return sha;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
