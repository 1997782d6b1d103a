package dev.looplab.proposer.platform;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The proposer's only way to the platform: REST over plain HTTP, so a proposer on another machine needs nothing
 * but the platform's URL. Campaigns, their lineage rows and knowledge, tasks, trial files and proposal statuses.
 */
public class PlatformClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final String baseUrl;
    private final HttpClient http;

    private final java.util.Optional<dev.looplab.access.PlatformToken> token;

    public PlatformClient(String baseUrl) {
        this(baseUrl, java.util.Optional.empty());
    }

    /** The same, sending {@code token} on every call. */
    public PlatformClient(String baseUrl, java.util.Optional<dev.looplab.access.PlatformToken> token) {
        this.token = token;
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("looplab.platform.url '" + baseUrl
                    + "' is not an http(s) URL; set LOOPLAB_PLATFORM_URL like http://localhost:8080");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Every campaign the platform knows, oldest first. */
    public List<CampaignView> campaigns() {
        return get("/api/campaigns").map(body -> read(body, new TypeReference<List<CampaignView>>() {
        })).orElse(List.of());
    }

    /** The campaign's view, or empty while the platform does not know it (404). */
    public Optional<CampaignView> campaign(String campaign) {
        return get("/api/campaigns/" + segment(campaign)).map(body -> Json.read(body, CampaignView.class));
    }

    /** The campaign's trials as rows, oldest first, beginning with the task's root. */
    public List<LineageRow> lineage(String campaign) {
        return get("/api/campaigns/" + segment(campaign) + "/lineage")
                .map(body -> read(body, new TypeReference<List<LineageRow>>() {
                })).orElse(List.of());
    }

    /** The campaign's knowledge summary, or empty when none is written yet. */
    public Optional<String> knowledge(String campaign) {
        return get("/api/campaigns/" + segment(campaign) + "/knowledge");
    }

    /** Stores the campaign's knowledge summary in its lineage. */
    public void putKnowledge(String campaign, String markdown) {
        send("PUT", "/api/campaigns/" + segment(campaign) + "/knowledge", "text/markdown", markdown);
    }

    /** The task, or empty when the platform does not know it (an imported history has no task). */
    public Optional<TaskView> task(String name) {
        return get("/api/tasks/" + segment(name)).map(body -> Json.read(body, TaskView.class));
    }

    /** The raw text of {@code path} in the commit of {@code trialId}. */
    public String trialFile(String trialId, String path) {
        String encodedPath = Arrays.stream(path.split("/")).map(PlatformClient::segment).collect(Collectors.joining("/"));
        return get("/api/trials/" + segment(trialId) + "/files/" + encodedPath)
                .orElseThrow(() -> new PlatformException("trial " + trialId + " has no file " + path
                        + " on the platform at " + baseUrl));
    }

    /** What the platform did with a proposal, or empty while it has not processed it (404). */
    public Optional<ProposalStatus> proposal(String proposalId) {
        return get("/api/proposals/" + segment(proposalId)).map(body -> Json.read(body, ProposalStatus.class));
    }

    /** True when the platform answers at all (readiness). */
    public boolean reachable() {
        try {
            get("/api/statuses");
            return true;
        } catch (PlatformException e) {
            return false;
        }
    }

    private Optional<String> get(String path) {
        return send("GET", path, null, null);
    }

    private Optional<String> send(String method, String path, String contentType, String body) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        token.ifPresent(t -> request.header("Authorization", t.bearer()));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType + "; charset=UTF-8")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PlatformException("platform at " + baseUrl + " is unreachable (" + method + " " + path + "): "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
                    + "; check LOOPLAB_PLATFORM_URL and that the platform is running", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while calling " + method + " " + uri, e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() / 100 != 2) {
            throw new PlatformException(method + " " + uri + " answered " + response.statusCode() + ": "
                    + abbreviate(response.body()) + (response.statusCode() == 401
                    ? " (the proposer's token is missing, wrong or revoked: set LOOPLAB_TOKEN or LOOPLAB_TOKEN_FILE)"
                    : response.statusCode() == 403 ? " (the proposer's token lacks the role agent)" : ""));
        }
        return Optional.of(response.body());
    }

    private static <T> T read(String body, TypeReference<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new PlatformException("the platform answered something that is not the expected JSON: "
                    + abbreviate(body), e);
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 497) + "...";
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
