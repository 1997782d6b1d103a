package dev.looplab.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Asks the platform for the {@link ServiceAccess} of a joining worker or proposer. A platform that does not answer
 * yet (not started, restarting) is asked again until {@code patience} ends; a refused token is not.
 */
public final class ServiceAccessClient {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Duration RETRY = Duration.ofSeconds(2);

    /** Which answer to ask for: the endpoint and the role its token needs. */
    public enum Joiner {
        WORKER("/api/join/worker", "worker"),
        PROPOSER("/api/join/proposer", "agent");

        private final String path;
        private final String role;

        Joiner(String path, String role) {
            this.path = path;
            this.role = role;
        }

        public String path() {
            return path;
        }
    }

    private ServiceAccessClient() {
    }

    /**
     * The platform's answer for {@code joiner}.
     *
     * @throws IllegalStateException naming LOOPLAB_PLATFORM_URL or LOOPLAB_TOKEN and the fix, when the platform
     *                               cannot be reached within {@code patience} or refuses the token
     */
    public static ServiceAccess fetch(String platformUrl, Optional<PlatformToken> token, Joiner joiner,
                                      Duration patience) {
        String base = platformUrl.strip().replaceAll("/+$", "");
        URI uri;
        try {
            if (!base.startsWith("http://") && !base.startsWith("https://")) {
                throw new IllegalArgumentException("not http(s)");
            }
            uri = URI.create(base + joiner.path);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("LOOPLAB_PLATFORM_URL '" + platformUrl + "' is not a URL: give one like"
                    + " http://platform-host:8080", e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        token.ifPresent(t -> request.header("Authorization", t.bearer()));
        Instant deadline = Instant.now().plus(patience);
        while (true) {
            String problem;
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    return read(response.body(), uri);
                }
                if (status == 401 || status == 403) {
                    throw new IllegalStateException(refusal(status, base, token.isPresent(), joiner));
                }
                problem = "HTTP " + status + " " + abbreviate(response.body());
                if (status < 500) {
                    // a Looplab platform's error body names the fix; anything else is not a platform of this version
                    throw new IllegalStateException("the platform at " + base + " (LOOPLAB_PLATFORM_URL) answered "
                            + problem + " to GET " + joiner.path);
                }
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking the platform at " + base
                        + " for the Kafka and S3 settings", e);
            }
            if (Instant.now().plus(RETRY).isAfter(deadline)) {
                throw new IllegalStateException("cannot reach the platform at " + base + " (LOOPLAB_PLATFORM_URL) to"
                        + " ask for the Kafka and S3 settings within " + patience.toSeconds() + " s (" + problem
                        + "): check the URL and that the platform runs, or give LOOPLAB_KAFKA_BOOTSTRAP and"
                        + " LOOPLAB_S3_ENDPOINT (with its keys) yourself");
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the platform at " + base, e);
            }
        }
    }

    private static String refusal(int status, String base, boolean hadToken, Joiner joiner) {
        String create = "looplab token create --role " + joiner.role + " --name NAME";
        if (status == 401) {
            return "the platform at " + base + " refused " + (hadToken ? "the token (401: unknown or revoked)"
                    : "to answer without a token (401)") + ": set LOOPLAB_TOKEN (or LOOPLAB_TOKEN_FILE) to a token of"
                    + " role " + joiner.role + " (" + create + ")";
        }
        return "the platform at " + base + " answered 403 to GET " + joiner.path + ": the token in LOOPLAB_TOKEN (or"
                + " LOOPLAB_TOKEN_FILE) lacks the role " + joiner.role + "; give one of that role (" + create + ")";
    }

    private static ServiceAccess read(String body, URI uri) {
        try {
            return JSON.readValue(body, ServiceAccess.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("the answer of " + uri + " is not a service access description: "
                    + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
