package dev.looplab.proposer.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlatformClientTest {

    HttpServer server;
    final List<String> paths = new ArrayList<>();
    final List<String> authorizations = new ArrayList<>();
    PlatformClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            paths.add(path);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            int status;
            String body;
            if (path.equals("/api/campaigns/golf%20mini")) {
                status = 200;
                body = "{\"campaign\":\"golf mini\",\"task\":\"golf-mini\",\"bestTrialId\":\"t0\",\"bestScore\":1.5,"
                        + "\"direction\":\"higher\",\"inFlight\":2,\"recorded\":7,\"trainBudgetSeconds\":90,\"extra\":true}";
            } else if (path.equals("/api/trials/t0/files/src/Recipe.java")) {
                status = 200;
                body = "class Recipe {}\n";
            } else if (path.startsWith("/api/proposals/denied")) {
                status = 401;
                body = "";
            } else if (path.startsWith("/api/proposals/boom")) {
                status = 500;
                body = "database down";
            } else {
                status = 404;
                body = "";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        client = new PlatformClient("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsACampaignIgnoringFieldsItDoesNotKnow() {
        CampaignView status = client.campaign("golf mini").orElseThrow();
        assertThat(status.campaign()).isEqualTo("golf mini");
        assertThat(status.bestTrialId()).isEqualTo("t0");
        assertThat(status.inFlight()).isEqualTo(2);
        assertThat(status.recorded()).isEqualTo(7);
        assertThat(status.trainBudgetSeconds()).isEqualTo(90);
        assertThat(status.isRunning()).as("a platform without states runs every campaign").isTrue();
        assertThat(status.lowerIsBetter()).isFalse();
        assertThat(status.hasBaselineScore()).isTrue();
        assertThat(paths).containsExactly("/api/campaigns/golf%20mini");
    }

    @Test
    void givenAToken_thenEveryCallCarriesItAsBearer_andA401SaysWhichSettingToFix() {
        PlatformClient withToken = new PlatformClient("http://127.0.0.1:" + server.getAddress().getPort(),
                dev.looplab.access.PlatformToken.of("llt_agent-secret", null));

        withToken.campaign("golf mini");

        assertThat(authorizations).containsExactly("Bearer llt_agent-secret");
        assertThatThrownBy(() -> withToken.proposal("denied"))
                .isInstanceOf(PlatformException.class).hasMessageContaining("LOOPLAB_TOKEN")
                .hasMessageNotContaining("llt_agent-secret");
    }

    @Test
    void anUnknownCampaignOrUnprocessedProposalIsEmptyNotAnError() {
        assertThat(client.campaign("nope")).isEmpty();
        assertThat(client.proposal("p-1")).isEmpty();
    }

    @Test
    void readsATrialFileByItsPath() {
        assertThat(client.trialFile("t0", "src/Recipe.java")).isEqualTo("class Recipe {}\n");
        assertThatThrownBy(() -> client.trialFile("t0", "Missing.java"))
                .isInstanceOf(PlatformException.class).hasMessageContaining("trial t0 has no file Missing.java");
    }

    @Test
    void aServerErrorNamesTheRequestAndTheAnswer() {
        assertThatThrownBy(() -> client.proposal("boom"))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("/api/proposals/boom answered 500: database down");
    }

    @Test
    void anUnreachablePlatformSaysWhichSettingToCheck() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PlatformClient offline = new PlatformClient("http://127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> offline.campaign("c1"))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("is unreachable").hasMessageContaining("LOOPLAB_PLATFORM_URL");
    }

    @Test
    void aUrlWithoutSchemeIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new PlatformClient("localhost:8080"))
                .hasMessageContaining("set LOOPLAB_PLATFORM_URL like http://localhost:8080");
    }
}
