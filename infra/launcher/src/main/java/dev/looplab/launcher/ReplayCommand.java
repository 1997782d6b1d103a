package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code looplab replay <trial>}: asks the platform to run the trial's commit again with its recorded
 * seed and step count, waits for the replay's verdict and prints it. Exit 0 when identical or within
 * noise, 3 when it differs, 2 on bad input or an unreachable platform.
 */
final class ReplayCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofSeconds(3);

    private ReplayCommand() {
    }

    static int run(String[] args, String platformUrl) {
        String trial = null;
        boolean wait = true;
        long timeoutSeconds = 3600;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--no-wait" -> wait = false;
                case "--timeout" -> timeoutSeconds = Long.parseLong(args[++i]);
                default -> trial = args[i];
            }
        }
        if (trial == null || trial.isBlank()) {
            System.err.println("usage: looplab replay <trial-id> [--no-wait] [--timeout seconds]");
            return 2;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                            URI.create(platformUrl + "/api/trials/" + trial + "/replays"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 202) {
                System.err.println("replay of trial " + trial + " refused (HTTP " + created.statusCode() + "): "
                        + errorOf(created.body()));
                return 2;
            }
            JsonNode replay = JSON.readTree(created.body());
            String replayId = replay.path("replayTrialId").asText();
            System.out.println("replay " + replayId + " queued: " + replay.path("hypothesis").asText());
            if (!wait) {
                return 0;
            }
            Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
            String lastStatus = "";
            while (Instant.now().isBefore(deadline)) {
                HttpResponse<String> got = http.send(HttpRequest.newBuilder(
                        URI.create(platformUrl + "/api/replays/" + replayId)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode view = JSON.readTree(got.body());
                String status = view.path("status").asText();
                if (!status.equals(lastStatus)) {
                    System.out.println("  " + status);
                    lastStatus = status;
                }
                if (!view.path("verdict").isMissingNode() && !view.path("verdict").isNull()) {
                    String verdict = view.path("verdict").asText();
                    System.out.println("verdict: " + verdict);
                    System.out.println("  " + view.path("detail").asText());
                    return "differs".equals(verdict) ? 3 : 0;
                }
                Thread.sleep(POLL.toMillis());
            }
            System.err.println("no verdict for replay " + replayId + " within " + timeoutSeconds
                    + " s; it keeps running: GET " + platformUrl + "/api/replays/" + replayId + " later");
            return 2;
        } catch (IOException e) {
            System.err.println("cannot reach the platform at " + platformUrl + " (" + e.getMessage()
                    + "): start it with ./looplab up or set LOOPLAB_PLATFORM_URL");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    private static String errorOf(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.has("error") ? node.get("error").asText() : body;
        } catch (IOException e) {
            return body;
        }
    }
}
