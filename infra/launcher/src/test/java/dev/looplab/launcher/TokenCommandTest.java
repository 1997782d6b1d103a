package dev.looplab.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.looplab.access.PlatformToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code looplab token ...} against a stand-in platform: the requests, the token it sends, what it prints. */
class TokenCommandTest {
    HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    @TempDir
    Path home;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/tokens", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + auth
                    + (body.isEmpty() ? "" : " " + body));
            int status = 200;
            String answer;
            if (auth == null) {
                status = 401;
                answer = "";
            } else if (exchange.getRequestMethod().equals("POST")) {
                status = 201;
                answer = "{\"name\":\"ci\",\"role\":\"agent\",\"token\":\"llt_new-secret\",\"createdAt\":\"2026-12-05T07:00:00Z\"}";
            } else if (exchange.getRequestMethod().equals("DELETE")) {
                answer = "{\"name\":\"ci\",\"role\":\"agent\",\"createdAt\":\"2026-12-05T07:00:00Z\","
                        + "\"revokedAt\":\"2026-12-05T08:00:00Z\"}";
            } else {
                answer = "[{\"name\":\"local-admin\",\"role\":\"admin\",\"createdAt\":\"2026-12-05T07:00:00.123Z\","
                        + "\"lastUsedAt\":null,\"revokedAt\":null}]";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int run(Map<String, String> env, String... args) {
        return TokenCommand.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Map<String, String> env() {
        return Map.of("LOOPLAB_PLATFORM_URL", "http://127.0.0.1:" + server.getAddress().getPort(),
                "LOOPLAB_HOME", home.toString());
    }

    @Test
    void givenLooplabUpsAdminTokenInTheHome_whenATokenIsCreated_thenItIsSentAndTheNewSecretIsPrintedOnce() {
        PlatformToken.write(PlatformAccess.adminTokenFile(home), "llt_local-admin");

        int exit = run(env(), "create", "--role", "agent", "--name", "ci");

        assertThat(exit).isZero();
        assertThat(requests).containsExactly(
                "POST /api/tokens Bearer llt_local-admin {\"name\":\"ci\",\"role\":\"agent\"}");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("created token ci (role agent)")
                .contains("llt_new-secret").doesNotContain("llt_local-admin");
    }

    @Test
    void givenLooplabToken_thenItWinsOverTheHomeFile_andListAndRevokeUseIt() {
        PlatformToken.write(PlatformAccess.adminTokenFile(home), "llt_local-admin");
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("LOOPLAB_TOKEN", "llt_given");

        assertThat(run(env, "list")).isZero();
        assertThat(run(env, "revoke", "ci")).isZero();

        assertThat(requests).containsExactly("GET /api/tokens Bearer llt_given", "DELETE /api/tokens/ci Bearer llt_given");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("local-admin").contains("2026-12-05 07:00:00")
                .contains("revoked token ci (role agent)");
    }

    @Test
    void givenNoToken_whenRefused_thenTheMessageSaysWhichSettingGivesOne() {
        int exit = run(env(), "list");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("HTTP 401").contains("LOOPLAB_TOKEN");
    }

    @Test
    void givenCreateWithoutARole_thenUsageAndNoRequest() {
        assertThat(run(env(), "create", "--name", "ci")).isEqualTo(2);
        assertThat(requests).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--role");
    }
}
