package dev.looplab.access;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccessClientTest {
    private static final String ANSWER = """
            {"role":"worker","kafka":{"bootstrap":"kafka-1:9092","securityProtocol":"SASL_SSL",
             "saslMechanism":"SCRAM-SHA-512","username":"looplab-worker","password":"kafka-pw"},
             "s3":{"endpoint":"http://minio:9000","region":"us-east-1","bucket":"artifacts","accessKey":"ak",
             "secretKey":"s3-secret"},"lineageUrl":"http://platform:8080/git","later":"ignored"}""";

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A stand-in platform answering {@code status} and {@code body}; the Authorization it saw goes to {@code seen}. */
    private String platform(int status, String body, AtomicReference<String> seen) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/join/", exchange -> {
            seen.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void givenAPlatformThatAnswers_thenTheWorkerReadsKafkaAndS3_sendsItsToken_andShowsNoSecret() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        String url = platform(200, ANSWER, seen);

        ServiceAccess access = ServiceAccessClient.fetch(url, PlatformToken.of("llt_worker", null),
                ServiceAccessClient.Joiner.WORKER, Duration.ofSeconds(5));

        assertThat(seen.get()).isEqualTo("Bearer llt_worker");
        assertThat(access.kafka().bootstrap()).isEqualTo("kafka-1:9092");
        assertThat(access.kafka().credentials().clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(access.s3().endpoint()).isEqualTo("http://minio:9000");
        assertThat(access.s3().bucket()).isEqualTo("artifacts");
        assertThat(access.lineageUrl()).isEqualTo("http://platform:8080/git");
        assertThat(access.toString()).contains("kafka-1:9092", "looplab-worker", "http://minio:9000")
                .doesNotContain("kafka-pw").doesNotContain("s3-secret");
    }

    @Test
    void givenARefusedToken_thenTheMessageNamesTheSettingAndTheRole_withoutWaiting() throws Exception {
        String url = platform(401, "{\"error\":\"no valid token\"}", new AtomicReference<>());

        long began = System.nanoTime();
        assertThatThrownBy(() -> ServiceAccessClient.fetch(url, PlatformToken.of("llt_revoked", null),
                ServiceAccessClient.Joiner.PROPOSER, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("401").hasMessageContaining("LOOPLAB_TOKEN")
                .hasMessageContaining("looplab token create --role agent")
                .hasMessageNotContaining("llt_revoked");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void givenATokenOfAnotherRole_thenTheMessageSaysWhichRoleIsNeeded() throws Exception {
        String url = platform(403, "{\"error\":\"forbidden\"}", new AtomicReference<>());

        assertThatThrownBy(() -> ServiceAccessClient.fetch(url, PlatformToken.of("llt_viewer", null),
                ServiceAccessClient.Joiner.WORKER, Duration.ofSeconds(30)))
                .hasMessageContaining("403").hasMessageContaining("lacks the role worker")
                .hasMessageContaining("LOOPLAB_TOKEN");
    }

    @Test
    void givenNoPlatformAtTheUrl_thenItGivesUpAfterItsPatience_namingLooplabPlatformUrl() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        assertThatThrownBy(() -> ServiceAccessClient.fetch("http://127.0.0.1:" + port, Optional.empty(),
                ServiceAccessClient.Joiner.WORKER, Duration.ofSeconds(1)))
                .hasMessageContaining("cannot reach the platform at http://127.0.0.1:" + port)
                .hasMessageContaining("LOOPLAB_PLATFORM_URL").hasMessageContaining("LOOPLAB_KAFKA_BOOTSTRAP");
    }
}
