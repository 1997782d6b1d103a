package dev.looplab.proposer.platform;

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
import java.util.Optional;
import java.util.stream.Collectors;

/** A small client of the platform's REST API: campaign status, trial files and proposal status. */
public class PlatformClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final HttpClient http;

    public PlatformClient(String baseUrl) {
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("looplab.platform.url '" + baseUrl
                    + "' is not an http(s) URL; set LOOPLAB_PLATFORM_URL like http://localhost:8080");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The campaign's status, or empty while the platform does not know the campaign (404). */
    public Optional<CampaignStatus> campaign(String campaign) {
        return get("/api/campaigns/" + segment(campaign)).map(body -> Json.read(body, CampaignStatus.class));
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

    private Optional<String> get(String path) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PlatformException("platform at " + baseUrl + " is unreachable (GET " + path + "): "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
                    + "; check LOOPLAB_PLATFORM_URL and that the platform is running", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while calling GET " + uri, e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() / 100 != 2) {
            throw new PlatformException("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return Optional.of(response.body());
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
