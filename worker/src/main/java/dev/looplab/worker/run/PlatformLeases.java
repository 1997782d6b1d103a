package dev.looplab.worker.run;

import dev.looplab.access.PlatformToken;

import dev.looplab.events.Json;
import dev.looplab.events.LeaseClaim;
import dev.looplab.events.LeaseGrant;
import dev.looplab.events.RunRequest;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Map;

/**
 * The platform's lease endpoints as the worker calls them: claim an attempt before running it,
 * hand it back when the worker stops. A 409 means "skip this request", with the platform's reason.
 */
public final class PlatformLeases {
    private static final Logger LOG = Logger.getLogger(PlatformLeases.class);
    private static final int TRIES = 5;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(2);

    private final URI base;
    private final String workerId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Optional<PlatformToken> token;

    public PlatformLeases(String platformUrl, String workerId) {
        this(platformUrl, workerId, Optional.empty());
    }

    public PlatformLeases(String platformUrl, String workerId, Optional<PlatformToken> token) {
        this.base = URI.create(platformUrl.endsWith("/") ? platformUrl : platformUrl + "/");
        this.workerId = workerId;
        this.token = token;
    }

    /** What to fix when the platform refused the worker's token. */
    static String tokenHint(int status) {
        return status == 401 ? " (the worker's token is missing, wrong or revoked: set LOOPLAB_TOKEN or"
                + " LOOPLAB_TOKEN_FILE to a token of role worker)"
                : status == 403 ? " (the worker's token lacks the role worker: create one with looplab token create"
                + " --role worker)" : "";
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        token.ifPresent(t -> builder.header("Authorization", t.bearer()));
        return builder;
    }

    /** The claim's answer: a lease, or the reason the worker must not run the attempt. */
    public record Claim(LeaseGrant grant, String refusal) {
        public boolean granted() {
            return grant != null;
        }
    }

    /**
     * Claims the request's attempt, retrying while the platform cannot be reached.
     *
     * @throws IllegalStateException when the platform does not answer (the request is then read again)
     */
    public Claim claim(RunRequest request) throws InterruptedException {
        HttpResponse<String> response = post(request, "claim", null);
        if (response.statusCode() == 200) {
            return new Claim(Json.read(response.body(), LeaseGrant.class), null);
        }
        if (response.statusCode() == 409 || response.statusCode() == 404) {
            return new Claim(null, reasonOf(response));
        }
        throw new IllegalStateException("the platform at " + base + " answered " + response.statusCode()
                + " to the claim of trial " + request.trialId() + " attempt " + request.attempt() + ": "
                + response.body() + tokenHint(response.statusCode()));
    }

    /**
     * Renews the lease over REST (one try: the next beat comes soon). Returns the platform's reason when the
     * attempt must stop (the trial is recorded, the attempt was cancelled or another worker holds it), empty
     * when the worker goes on, including when the platform cannot be reached.
     */
    public java.util.Optional<String> heartbeat(RunRequest request) {
        return heartbeat(request, null);
    }

    /**
     * The last heartbeat: FINISHED is on the topic (the broker acknowledged it), so the platform keeps the lease
     * until it has read the event, however late it reads. A failure only means the usual lease rules.
     */
    public void reported(RunRequest request) {
        heartbeat(request, LeaseClaim.REPORTED);
    }

    private java.util.Optional<String> heartbeat(RunRequest request, String message) {
        URI uri = base.resolve("api/trials/" + request.trialId() + "/attempts/" + request.attempt() + "/heartbeat");
        HttpRequest post = request(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(new LeaseClaim(workerId, message)))).build();
        try {
            HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 409 || response.statusCode() == 404) {
                return java.util.Optional.of(reasonOf(response));
            }
            if (response.statusCode() != 200) {
                LOG.warnf("heartbeat of trial %s attempt %d answered %d: %s", request.trialId(), request.attempt(),
                        response.statusCode(), response.body());
            }
        } catch (IOException e) {
            LOG.warnf("heartbeat of trial %s attempt %d not delivered (%s); the platform gives a full lease after"
                    + " it comes back", request.trialId(), request.attempt(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return java.util.Optional.empty();
    }

    /** Gives the attempt back so the platform re-queues it at once; a failure only means waiting for the TTL. */
    public void handBack(RunRequest request, String why) {
        try {
            HttpResponse<String> response = post(request, "handback", why);
            LOG.infof("trial %s attempt %d handed back: %d %s", request.trialId(), request.attempt(),
                    response.statusCode(), response.statusCode() == 200 ? "" : reasonOf(response));
        } catch (RuntimeException | InterruptedException e) {
            LOG.warnf("could not hand back trial %s attempt %d (%s); the platform re-queues it when the lease expires",
                    request.trialId(), request.attempt(), e.getMessage());
        }
    }

    private HttpResponse<String> post(RunRequest request, String action, String message) throws InterruptedException {
        URI uri = base.resolve("api/trials/" + request.trialId() + "/attempts/" + request.attempt() + "/" + action);
        HttpRequest post = request(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(new LeaseClaim(workerId, message)))).build();
        IOException last = null;
        for (int i = 1; i <= TRIES; i++) {
            try {
                return http.send(post, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = e;
                Thread.sleep(RETRY_DELAY.toMillis());
            }
        }
        throw new IllegalStateException("cannot reach the platform at " + base + " (" + last + "): is it running, and"
                + " is looplab.platform.url (LOOPLAB_PLATFORM_URL) its address?", last);
    }

    private static String reasonOf(HttpResponse<String> response) {
        try {
            Object reason = Json.read(response.body(), Map.class).get("reason");
            return reason == null ? response.body() : reason.toString();
        } catch (RuntimeException e) {
            return response.body();
        }
    }
}
