package dev.looplab.platform.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint x every caller (each role, no token, a revoked token, a wrong token) against the real platform
 * with tokens on: 401 without a valid token, 403 for a role the endpoint does not take, and the endpoint's own
 * answer (2xx for every read of a real campaign, trial or task) otherwise. The list of endpoints is checked
 * against /q/openapi, so a new endpoint without a row here fails the test.
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
@QuarkusTestResource(RealServicesResource.class)
class SecurityMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAMPAIGN = "platform-test";

    /** One endpoint: method, path template (as OpenAPI names it), a concrete path, the least role, a body. */
    record Endpoint(String method, String template, String path, Role least, String body, boolean read) {
    }

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Map<String, String> callers;
    private static String rootTrial;

    @BeforeEach
    void tokensForEveryCaller() throws Exception {
        if (callers != null) {
            return;
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("none", null);
        tokens.put("wrong", "llt_" + UUID.randomUUID().toString().replace("-", ""));
        String revoked = create("matrix-revoked", "admin");
        assertThat(call("DELETE", "/api/tokens/matrix-revoked", AuthOnProfile.ADMIN_SECRET, null).status())
                .isEqualTo(200);
        tokens.put("revoked", revoked);
        for (Role role : Role.values()) {
            tokens.put(role.id(), create("matrix-" + role.id(), role.id()));
        }
        Reply campaign = call("GET", "/api/campaigns/" + CAMPAIGN, AuthOnProfile.ADMIN_SECRET, null);
        assertThat(campaign.status()).as(campaign.body()).isEqualTo(200);
        rootTrial = JSON.readTree(campaign.body()).path("rootTrialId").asText();
        callers = tokens;
    }

    private List<Endpoint> endpoints() {
        String t = "/api/trials/" + rootTrial;
        String proposal = "{\"campaign\":\"" + CAMPAIGN + "\",\"task\":\"golf-mini\",\"specialist\":\"matrix\","
                + "\"surface\":\"optimizer\",\"parentTrial\":\"" + rootTrial + "\",\"hypothesis\":\"x\",\"diff\":\"\"}";
        String claim = "{\"workerId\":\"matrix\"}";
        List<Endpoint> all = new ArrayList<>();
        // campaigns
        all.add(read("/api/campaigns", "/api/campaigns"));
        all.add(write("POST", "/api/campaigns", "/api/campaigns", Role.ADMIN,
                "{\"campaign\":\"" + CAMPAIGN + "\",\"task\":\"golf-mini\"}"));
        all.add(read("/api/campaigns/{id}", "/api/campaigns/" + CAMPAIGN));
        all.add(write("POST", "/api/campaigns/{id}/pause", "/api/campaigns/no-such-campaign/pause", Role.ADMIN, null));
        all.add(write("POST", "/api/campaigns/{id}/resume", "/api/campaigns/no-such-campaign/resume", Role.ADMIN, null));
        all.add(write("POST", "/api/campaigns/{id}/stop", "/api/campaigns/no-such-campaign/stop", Role.ADMIN, null));
        all.add(read("/api/campaigns/{id}/lineage", "/api/campaigns/" + CAMPAIGN + "/lineage"));
        all.add(readAny("/api/campaigns/{id}/knowledge", "/api/campaigns/" + CAMPAIGN + "/knowledge"));
        all.add(write("PUT", "/api/campaigns/{id}/knowledge", "/api/campaigns/no-such-campaign/knowledge", Role.AGENT,
                "# knowledge"));
        // browse views
        all.add(read("/api/campaign-summaries", "/api/campaign-summaries"));
        all.add(read("/api/campaigns/{campaign}/trials", "/api/campaigns/" + CAMPAIGN + "/trials"));
        all.add(read("/api/campaigns/{campaign}/trials.csv", "/api/campaigns/" + CAMPAIGN + "/trials.csv"));
        all.add(read("/api/campaigns/{campaign}/specialists", "/api/campaigns/" + CAMPAIGN + "/specialists"));
        all.add(read("/api/campaigns/{campaign}/statuses", "/api/campaigns/" + CAMPAIGN + "/statuses"));
        all.add(read("/api/campaigns/{campaign}/best-so-far", "/api/campaigns/" + CAMPAIGN + "/best-so-far"));
        all.add(read("/api/campaigns/{campaign}/tree", "/api/campaigns/" + CAMPAIGN + "/tree"));
        all.add(read("/api/trials/{id}/chain", t + "/chain"));
        all.add(read("/api/trials/{id}/diff", t + "/diff"));
        all.add(read("/api/trials/{id}/recipe", t + "/recipe"));
        // trials, metrics, artifacts, statuses, tasks
        all.add(read("/api/trials", "/api/trials?campaign=" + CAMPAIGN));
        all.add(read("/api/trials/{id}", t));
        all.add(readAny("/api/trials/{id}/files/{path}", t + "/files/task.yaml"));
        all.add(read("/api/trials/stream", "/api/trials/stream"));
        all.add(read("/api/trials/{id}/metrics", t + "/metrics"));
        all.add(readAny("/api/trials/{id}/metrics/{name}", t + "/metrics/loss"));
        all.add(read("/api/trials/{id}/artifacts", t + "/artifacts"));
        all.add(readAny("/api/trials/{id}/artifacts/{name}", t + "/artifacts/model.bin"));
        all.add(read("/api/statuses", "/api/statuses"));
        all.add(read("/api/tasks", "/api/tasks"));
        all.add(read("/api/tasks/{name}", "/api/tasks/golf-mini"));
        // proposals
        all.add(readAny("/api/proposals/{id}", "/api/proposals/no-such-proposal"));
        all.add(write("POST", "/api/proposals", "/api/proposals", Role.AGENT, proposal));
        // leases: an attempt that does not exist, so no real lease changes hands
        String attempt = "/api/trials/no-such-trial/attempts/1";
        all.add(write("POST", "/api/trials/{id}/attempts/{attempt}/claim", attempt + "/claim", Role.WORKER, claim));
        all.add(write("POST", "/api/trials/{id}/attempts/{attempt}/heartbeat", attempt + "/heartbeat", Role.WORKER, claim));
        all.add(write("POST", "/api/trials/{id}/attempts/{attempt}/handback", attempt + "/handback", Role.WORKER, claim));
        // a worker or proposer joining from another host: its role's Kafka and S3 settings, secrets included
        all.add(new Endpoint("GET", "/api/join/worker", "/api/join/worker", Role.WORKER, null, true));
        all.add(new Endpoint("GET", "/api/join/proposer", "/api/join/proposer", Role.AGENT, null, true));
        // replays and imports
        all.add(write("POST", "/api/trials/{id}/replays", "/api/trials/no-such-trial/replays", Role.ADMIN, null));
        all.add(read("/api/trials/{id}/replays", t + "/replays"));
        all.add(readAny("/api/replays/{id}", "/api/replays/no-such-replay"));
        all.add(write("POST", "/api/imports", "/api/imports", Role.ADMIN,
                "{\"format\":\"no-such-format\",\"path\":\"/nonexistent\"}"));
        all.add(readAny("/api/exports/{campaign}", "/api/exports/" + CAMPAIGN + "?format=arr"));
        // tokens, and who the caller is
        all.add(read("/api/me", "/api/me"));
        all.add(new Endpoint("GET", "/api/tokens", "/api/tokens", Role.ADMIN, null, true));
        all.add(write("POST", "/api/tokens", "/api/tokens", Role.ADMIN, "{\"name\":\"\",\"role\":\"viewer\"}"));
        all.add(write("DELETE", "/api/tokens/{name}", "/api/tokens/no-such-token", Role.ADMIN, null));
        // beyond the REST API: the lineage over git, the UI, the API description, metrics
        all.add(read("/git/*", "/git/golf-mini.git/info/refs?service=git-upload-pack"));
        all.add(read("/ (UI)", "/"));
        all.add(read("/q/openapi", "/q/openapi"));
        all.add(read("/q/metrics", "/q/metrics"));
        return all;
    }

    @Test
    void givenEveryCaller_whenEveryEndpointIsCalled_thenEachGets401Or403OrItsAnswerAsDesigned() throws Exception {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Endpoint endpoint : endpoints()) {
            for (Map.Entry<String, String> caller : callers.entrySet()) {
                Reply reply = call(endpoint.method(), endpoint.path(), caller.getValue(), endpoint.body());
                calls++;
                String expected = expected(endpoint, caller.getKey());
                boolean ok = switch (expected) {
                    case "401" -> reply.status() == 401;
                    case "403" -> reply.status() == 403;
                    case "2xx" -> reply.status() / 100 == 2;
                    default -> reply.status() != 401 && reply.status() != 403 && reply.status() < 500;
                };
                if (!ok) {
                    wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller.getKey() + ": expected "
                            + expected + ", got " + reply.status() + " " + abbreviate(reply.body()));
                }
            }
        }
        assertThat(wrong).as("of " + calls + " calls").isEmpty();
        assertThat(calls).isEqualTo(endpoints().size() * 7);
    }

    @Test
    void givenTheOpenApiDocument_thenEveryEndpointItListsIsInTheMatrix() throws Exception {
        Reply openapi = call("GET", "/q/openapi?format=json", AuthOnProfile.ADMIN_SECRET, null);
        assertThat(openapi.status()).isEqualTo(200);
        Set<String> documented = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = JSON.readTree(openapi.body()).path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (Set.of("get", "post", "put", "delete").contains(method)) {
                    documented.add(method.toUpperCase() + " " + shape(path.getKey()));
                }
            });
        }
        Set<String> covered = new TreeSet<>();
        endpoints().forEach(e -> covered.add(e.method() + " " + shape(e.template())));

        assertThat(covered).containsAll(documented);
    }

    @Test
    void givenAToken_whenUsedAsTheBasicPassword_thenGitAndRestAcceptIt_andLastUseIsRecorded() throws Exception {
        String viewer = callers.get("viewer");
        String basic = "Basic " + Base64.getEncoder().encodeToString(("anyone:" + viewer).getBytes(StandardCharsets.UTF_8));

        Reply refs = callWithHeader("GET", "/git/golf-mini.git/info/refs?service=git-upload-pack", basic);
        Reply anonymous = call("GET", "/git/golf-mini.git/info/refs?service=git-upload-pack", null, null);

        assertThat(refs.status()).isEqualTo(200);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.challenge()).startsWith("Basic");
        Reply list = call("GET", "/api/tokens", AuthOnProfile.ADMIN_SECRET, null);
        JsonNode viewerRow = null;
        for (JsonNode row : JSON.readTree(list.body())) {
            if (row.path("name").asText().equals("matrix-viewer")) {
                viewerRow = row;
            }
            assertThat(row.has("token")).as("a listed token shows no secret").isFalse();
        }
        assertThat(viewerRow).isNotNull();
        assertThat(viewerRow.path("role").asText()).isEqualTo("viewer");
        assertThat(viewerRow.path("lastUsedAt").isNull()).isFalse();
        assertThat(list.body()).doesNotContain(viewer);
    }

    @Test
    void givenEachRolesToken_whenAskingWhoAmI_thenTheTokensNameAndHighestRoleComeBack() throws Exception {
        for (Role role : Role.values()) {
            Reply me = call("GET", "/api/me", callers.get(role.id()), null);
            assertThat(me.status()).as(me.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(me.body());
            assertThat(body.path("name").asText()).isEqualTo("matrix-" + role.id());
            assertThat(body.path("role").asText()).isEqualTo(role.id());
            assertThat(body.path("token").asBoolean()).isTrue();
        }
    }

    @Test
    void givenTokensUsedInEveryWay_thenNoSecretAppearsInThePlatformLog() throws Exception {
        // the matrix and the git reads above ran in this JVM's platform, whatever the order: call once more
        call("GET", "/api/trials/" + rootTrial, callers.get("agent"), null);
        call("GET", "/api/trials/" + rootTrial, callers.get("revoked"), null);

        String log = Files.readString(Path.of(AuthOnProfile.LOG_FILE));

        assertThat(log).contains("/api/trials/" + rootTrial);
        for (Map.Entry<String, String> caller : callers.entrySet()) {
            if (caller.getValue() != null) {
                assertThat(log).as("the log holds the secret of " + caller.getKey()).doesNotContain(caller.getValue());
            }
        }
        assertThat(log).doesNotContain(AuthOnProfile.ADMIN_SECRET);
        assertThat(log).as("the worker role's Kafka password, handed out by /api/join/worker")
                .doesNotContain(AuthOnProfile.WORKER_KAFKA_PASSWORD);
    }

    /** What a caller should get: 401 without a valid token, 403 without the role, else 2xx or the endpoint's answer. */
    private static String expected(Endpoint endpoint, String caller) {
        if (Set.of("none", "wrong", "revoked").contains(caller)) {
            return "401";
        }
        if (!Role.of(caller).implied().contains(endpoint.least().id())) {
            return "403";
        }
        return endpoint.read() ? "2xx" : "allowed";
    }

    private static Endpoint read(String template, String path) {
        return new Endpoint("GET", template, path, Role.VIEWER, null, true);
    }

    /** A read whose thing may not exist (404 is its answer), so only the security outcome is asserted. */
    private static Endpoint readAny(String template, String path) {
        return new Endpoint("GET", template, path, Role.VIEWER, null, false);
    }

    private static Endpoint write(String method, String template, String path, Role least, String body) {
        return new Endpoint(method, template, path, least, body, false);
    }

    private static String shape(String template) {
        return template.replaceAll("\\{[^}]*}", "{}");
    }

    private String create(String name, String role) throws Exception {
        Reply created = call("POST", "/api/tokens", AuthOnProfile.ADMIN_SECRET,
                "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("token").asText();
    }

    record Reply(int status, String body, String challenge) {
    }

    private Reply call(String method, String path, String token, String body) throws Exception {
        return callWithHeader(method, path, token == null ? null : "Bearer " + token, body);
    }

    private Reply callWithHeader(String method, String path, String authorization) throws Exception {
        return callWithHeader(method, path, authorization, null);
    }

    private Reply callWithHeader(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", body.startsWith("{") ? "application/json" : "text/markdown");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String text;
        try (InputStream in = response.body()) {
            // a server-sent event stream never ends: its status and first bytes are enough
            text = path.endsWith("/stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "";
        }
        return new Reply(response.statusCode(), text,
                response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
