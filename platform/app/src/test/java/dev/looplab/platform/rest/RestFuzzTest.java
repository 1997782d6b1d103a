package dev.looplab.platform.rest;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.diff.UnifiedDiff;
import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded, seeded fuzz of the REST API: every endpoint with wrong types, nulls, huge strings, unicode, path
 * tricks, wrong methods and broken bodies. Client input must never get a 5xx, every error must be a JSON body
 * that says what is wrong, and the platform must still accept a valid proposal afterwards.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class RestFuzzTest {
    private static final long SEED = 20261204L;
    private static final int REQUESTS = 1_200;

    private static final List<String> TEMPLATES = List.of(
            "/api/trials", "/api/trials/{id}", "/api/trials/{id}/files/{path}", "/api/trials/{id}/metrics",
            "/api/trials/{id}/metrics/{name}", "/api/trials/{id}/artifacts", "/api/trials/{id}/artifacts/{name}",
            "/api/trials/{id}/replays", "/api/replays/{id}", "/api/trials/{id}/attempts/{n}/claim",
            "/api/trials/{id}/attempts/{n}/handback", "/api/campaigns/{id}", "/api/proposals",
            "/api/proposals/{id}", "/api/imports", "/api/statuses", "/api/{id}", "/api/trials/{id}/metrics?{q}",
            "/api/trials?{q}", "/api/trials/{id}/metrics/{name}?{q}", "/api/campaigns",
            "/api/campaigns/{id}/lineage", "/api/campaigns/{id}/knowledge", "/api/campaigns/{id}/pause",
            "/api/campaigns/{id}/resume", "/api/campaigns/{id}/stop", "/api/tasks", "/api/tasks/{id}");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "GET", "POST");
    private static final List<String> QUERY_KEYS = List.of("campaign", "limit", "attempt", "max_points", "x");

    @TestHTTPResource("/")
    URI base;

    private final SplittableRandom random = new SplittableRandom(SEED);

    @Test
    void givenAThousandGeneratedRequests_thenNoneGetsA5xxAndEveryErrorIsJson_andAValidProposalIsStillAccepted()
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> failures = new ArrayList<>();
        int errorsChecked = 0;
        for (int i = 0; i < REQUESTS; i++) {
            String method = METHODS.get(random.nextInt(METHODS.size()));
            String path = expand(TEMPLATES.get(random.nextInt(TEMPLATES.size())));
            String shown = abbreviate(path);
            String body = random.nextInt(3) == 0 ? null : body();
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path.substring(1)))
                    .timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", random.nextInt(5) == 0 ? "text/plain" : "application/json");
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                failures.add(method + " " + shown + " -> connection failed: " + e);
                continue;
            }
            int status = response.statusCode();
            if (status >= 500) {
                failures.add(method + " " + shown + " body " + abbreviate(body) + " -> " + status + " "
                        + abbreviate(response.body()));
            } else if (status >= 400 && URI.create(path).normalize().getPath().startsWith("/api/")) {
                errorsChecked++;
                if (!response.headers().firstValue("Content-Type").orElse("").contains("json")
                        || !response.body().contains("\"error\"") && !response.body().contains("\"reason\"")) {
                    failures.add(method + " " + shown + " -> " + status + " without a JSON error body: "
                            + abbreviate(response.body()));
                }
            }
        }
        assertThat(failures.stream().limit(25).toList())
                .as("requests answered with a 5xx or without a JSON error (%d of %d)", failures.size(), REQUESTS)
                .isEmpty();
        assertThat(errorsChecked).as("client errors seen").isGreaterThan(REQUESTS / 2);

        // and then: a valid proposal is accepted
        String root = given().get("/api/campaigns/platform-test").then().statusCode(200).extract().path("rootTrialId");
        String recipe = given().get("/api/trials/" + root + "/files/Recipe.java").then().statusCode(200)
                .extract().asString();
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + "4.4e-3f;");
        Proposal valid = new Proposal(Proposal.SCHEMA, UUID.randomUUID().toString(), "platform-test", "golf-mini",
                "fuzz", "optimizer", root, "After the fuzz, a valid proposal.", -0.01,
                UnifiedDiff.of("Recipe.java", recipe, edited), System.currentTimeMillis());
        given().contentType("application/json").body(Json.write(valid)).post("/api/proposals").then().statusCode(201);
    }

    @Test
    void givenABodyOf50Megabytes_thenTheAnswerIs413NamingTheLimit() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        byte[] huge = new byte[50 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'x');

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("api/proposals"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"error\"").contains("10 MB");
    }

    private String expand(String template) {
        String path = template;
        while (path.contains("{id}")) {
            path = path.replaceFirst("\\{id}", segment());
        }
        path = path.replace("{path}", segment() + (random.nextBoolean() ? "/" + segment() : ""))
                .replace("{name}", segment()).replace("{n}", number())
                .replace("{q}", QUERY_KEYS.get(random.nextInt(QUERY_KEYS.size())) + "=" + encode(value()));
        return path;
    }

    /** A path segment: encoded so the request itself is well-formed, its content anything. */
    private String segment() {
        return switch (random.nextInt(6)) {
            case 0 -> "..";
            case 1 -> encode("../../etc/passwd");
            case 2 -> number();
            default -> encode(value());
        };
    }

    private String number() {
        return switch (random.nextInt(6)) {
            case 0 -> "-1";
            case 1 -> "0";
            case 2 -> "99999999999999999999";
            case 3 -> "1.5";
            case 4 -> "NaN";
            // far above the ids other tests use, so no generated claim touches their trials
            default -> Integer.toString(900_000 + random.nextInt(1000));
        };
    }

    private String value() {
        return switch (random.nextInt(9)) {
            case 0 -> "";
            case 1 -> "null";
            case 2 -> "x".repeat(random.nextInt(1, 5000));
            case 3 -> "学习率 ✓ Ünïcödé \u202e";
            case 4 -> "\u0000\u0001\t\n";
            case 5 -> "' OR 1=1; --";
            case 6 -> "%00%2e%2e";
            case 7 -> Long.toString(random.nextLong());
            default -> UUID.randomUUID().toString();
        };
    }

    private String body() {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "null";
            case 2 -> "[]";
            case 3 -> "{}";
            case 4 -> "{\"proposalId\": 5, \"diff\": [1, 2], \"expectedDelta\": \"a lot\"}";
            case 5 -> "{\"worker\": null, \"message\": {\"deep\": [[[]]]}}";
            case 6 -> "{\"format\": \"" + value() + "\", \"path\": \"" + jsonText(value()) + "\", \"lineage\": \"x\"}";
            case 7 -> "{" + "\"a\":{".repeat(2000) + "}".repeat(2000) + "}";
            case 8 -> "{\"hypothesis\": \"" + "h".repeat(200_000) + "\"}";
            case 9 -> "not json at all " + value();
            case 10 -> "{\"campaign\": \"platform-test\", \"task\": \"golf-mini\", \"specialist\": \"s\", "
                    + "\"surface\": \"optimizer\", \"parentTrial\": \"" + jsonText(value()) + "\", \"hypothesis\": \"h\", "
                    + "\"diff\": \"" + jsonText(value()) + "\"}";
            default -> "{\"schema\": " + number() + ", \"trialId\": \"" + jsonText(value()) + "\"}";
        };
    }

    private static String jsonText(String text) {
        return Json.write(text).replaceAll("^\"|\"$", "");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text == null ? "(none)" : text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
