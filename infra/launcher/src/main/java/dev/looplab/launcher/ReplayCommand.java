package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code looplab replay <trial>}: asks the platform to run the trial's commit again with its recorded
 * seed and step count, waits for the replay's verdict and prints it. While it waits it shows each status
 * with the time since the request and, while the replay trains, the step it has reached of the steps it
 * must train (from the metrics the worker streams), so a long replay never looks like a hang. Exit 0 when
 * identical or within noise, 3 when it differs, 2 on bad input or an unreachable platform.
 */
final class ReplayCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofSeconds(3);
    /** A progress line at least this often while the step count moves. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private ReplayCommand() {
    }

    static int run(String[] args, String platformUrl) {
        return run(args, platformUrl, System.out, System.err, POLL, PROGRESS_EVERY);
    }

    static int run(String[] args, String platformUrl, PrintStream out, PrintStream err, Duration poll,
                   Duration progressEvery) {
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
            err.println("usage: looplab replay <trial-id> [--no-wait] [--timeout seconds]");
            return 2;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> created = http.send(PlatformAccess.request(
                            URI.create(platformUrl + "/api/trials/" + trial + "/replays"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 202) {
                err.println("replay of trial " + trial + " refused (HTTP " + created.statusCode() + "): "
                        + errorOf(created.body()) + PlatformAccess.hint(created.statusCode()));
                return 2;
            }
            JsonNode replay = JSON.readTree(created.body());
            String replayId = replay.path("replayTrialId").asText();
            out.println("replay " + replayId + " queued: " + replay.path("hypothesis").asText());
            if (!wait) {
                return 0;
            }
            Instant began = Instant.now();
            Instant deadline = began.plusSeconds(timeoutSeconds);
            String lastStatus = "";
            long lastStep = -1;
            Instant lastProgress = Instant.MIN;
            while (Instant.now().isBefore(deadline)) {
                HttpResponse<String> got = http.send(PlatformAccess.request(
                        URI.create(platformUrl + "/api/replays/" + replayId)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode view = JSON.readTree(got.body());
                String status = view.path("status").asText();
                long elapsed = Duration.between(began, Instant.now()).toSeconds();
                if (!status.equals(lastStatus)) {
                    out.println("  " + status + " (" + elapsed + " s)");
                    lastStatus = status;
                }
                if (!view.path("verdict").isMissingNode() && !view.path("verdict").isNull()) {
                    String verdict = view.path("verdict").asText();
                    out.println("verdict: " + verdict);
                    out.println("  " + view.path("detail").asText());
                    return "differs".equals(verdict) ? 3 : 0;
                }
                if ("running".equals(status)) {
                    long step = latestStep(http, platformUrl, replayId);
                    boolean due = Duration.between(lastProgress, Instant.now()).compareTo(progressEvery) >= 0;
                    if (step > lastStep && (due || lastStep < 0)) {
                        out.println("  " + progress(step, view.path("steps"), elapsed));
                        lastStep = step;
                        lastProgress = Instant.now();
                    }
                }
                Thread.sleep(poll.toMillis());
            }
            err.println("no verdict for replay " + replayId + " within " + timeoutSeconds
                    + " s; it keeps running: GET " + platformUrl + "/api/replays/" + replayId + " later");
            return 2;
        } catch (IOException e) {
            err.println("cannot reach the platform at " + platformUrl + " (" + e.getMessage()
                    + "): start it with ./looplab up or set LOOPLAB_PLATFORM_URL");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    /** "training: step 120 of 400 (30%), 42 s", or without the share when the step count is unknown. */
    static String progress(long step, JsonNode steps, long elapsedSeconds) {
        if (steps.canConvertToLong() && steps.asLong() > 0) {
            long of = steps.asLong();
            return String.format(java.util.Locale.ROOT, "training: step %d of %d (%d%%), %d s", step, of,
                    Math.min(100, step * 100 / of), elapsedSeconds);
        }
        return "training: step " + step + ", " + elapsedSeconds + " s";
    }

    /** The highest step any of the replay's metric series has reached; -1 before the first point. */
    private static long latestStep(HttpClient http, String platformUrl, String replayId)
            throws IOException, InterruptedException {
        HttpResponse<String> got = http.send(PlatformAccess.request(
                URI.create(platformUrl + "/api/trials/" + replayId + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (got.statusCode() != 200) {
            return -1;
        }
        long step = -1;
        for (JsonNode series : JSON.readTree(got.body()).path("series")) {
            if (series.path("points").asLong() > 0) {
                step = Math.max(step, series.path("lastStep").asLong());
            }
        }
        return step;
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
