package dev.looplab.platform.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.access.PlatformToken;
import dev.looplab.access.ServiceAccess;
import dev.looplab.access.ServiceAccessClient;
import dev.looplab.platform.security.AuthOnProfile;
import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A worker or proposer on another host joins with the platform's URL and a token: {@code GET /api/join/worker}
 * tells a worker token where Kafka and S3 are and the worker role's logins, {@code /api/join/proposer} tells an agent
 * token Kafka only, and other roles get 403 (SecurityMatrixTest covers every caller).
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
@QuarkusTestResource(RealServicesResource.class)
class JoinResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrap;

    @ConfigProperty(name = "looplab.s3.endpoint")
    String s3Endpoint;

    @ConfigProperty(name = "looplab.s3.access-key")
    String s3AccessKey;

    @ConfigProperty(name = "looplab.s3.secret-key")
    String s3SecretKey;

    @ConfigProperty(name = "looplab.s3.bucket")
    String bucket;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void givenAWorkerToken_whenItJoins_thenItIsToldKafkaWithTheWorkerUser_andS3WithKeys_andNothingIsCached()
            throws Exception {
        String worker = create("worker");

        HttpResponse<String> reply = get("/api/join/worker", worker);

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode answer = JSON.readTree(reply.body());
        assertThat(answer.path("role").asText()).isEqualTo("worker");
        assertThat(answer.path("kafka").path("bootstrap").asText()).isEqualTo(kafkaBootstrap);
        assertThat(answer.path("kafka").path("username").asText()).isEqualTo("looplab-worker");
        assertThat(answer.path("kafka").path("password").asText()).isEqualTo(AuthOnProfile.WORKER_KAFKA_PASSWORD);
        assertThat(answer.path("kafka").path("saslMechanism").asText()).isEqualTo("SCRAM-SHA-512");
        assertThat(answer.path("s3").path("endpoint").asText()).isEqualTo(s3Endpoint);
        assertThat(answer.path("s3").path("bucket").asText()).isEqualTo(bucket);
        assertThat(answer.path("s3").path("accessKey").asText()).isEqualTo(s3AccessKey);
        assertThat(answer.path("s3").path("secretKey").asText()).isEqualTo(s3SecretKey);
    }

    @Test
    void givenAnAgentToken_whenTheProposerJoins_thenItIsToldKafkaOnly_andTheWorkerAnswerIsRefused() throws Exception {
        String agent = create("agent");

        HttpResponse<String> proposer = get("/api/join/proposer", agent);
        HttpResponse<String> asWorker = get("/api/join/worker", agent);

        assertThat(proposer.statusCode()).as(proposer.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(proposer.body());
        assertThat(answer.path("role").asText()).isEqualTo("agent");
        assertThat(answer.path("kafka").path("bootstrap").asText()).isEqualTo(kafkaBootstrap);
        assertThat(answer.path("kafka").path("username").isTextual()).as("no agent user is configured").isFalse();
        assertThat(answer.path("s3").isObject()).as("a proposer stores nothing: no S3 keys").isFalse();
        assertThat(asWorker.statusCode()).isEqualTo(403);
    }

    @Test
    void givenAViewerToken_thenBothAnswersAre403_andTheClientSaysWhichRoleToAskFor() throws Exception {
        String viewer = create("viewer");

        assertThat(get("/api/join/worker", viewer).statusCode()).isEqualTo(403);
        assertThat(get("/api/join/proposer", viewer).statusCode()).isEqualTo(403);
        assertThatThrownBy(() -> ServiceAccessClient.fetch(base.toString(), PlatformToken.of(viewer, null),
                ServiceAccessClient.Joiner.WORKER, Duration.ofSeconds(5)))
                .hasMessageContaining("403").hasMessageContaining("LOOPLAB_TOKEN")
                .hasMessageContaining("looplab token create --role worker");
    }

    @Test
    void givenTheClientOfAJoiningWorker_thenItReadsTheAnswer_andNoSecretOfItReachesTheLog() throws Exception {
        String worker = create("worker");

        ServiceAccess access = ServiceAccessClient.fetch(base.toString(), PlatformToken.of(worker, null),
                ServiceAccessClient.Joiner.WORKER, Duration.ofSeconds(5));

        assertThat(access.kafka().bootstrap()).isEqualTo(kafkaBootstrap);
        assertThat(access.kafka().credentials().clientConfig()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(access.s3().secretKey()).isEqualTo(s3SecretKey);
        assertThat(access.toString()).doesNotContain(AuthOnProfile.WORKER_KAFKA_PASSWORD).doesNotContain(s3SecretKey);
        String log = Files.readString(AuthOnProfile.logFile());
        assertThat(log).contains("/api/join/worker");
        assertThat(log).doesNotContain(AuthOnProfile.WORKER_KAFKA_PASSWORD).doesNotContain(worker);
    }

    private String create(String role) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("api/tokens"))
                .header("Authorization", "Bearer " + AuthOnProfile.ADMIN_SECRET)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"join-" + role + "-" + UUID.randomUUID()
                        + "\",\"role\":\"" + role + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("token").asText();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
