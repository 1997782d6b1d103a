package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code looplab campaign start|pause|resume|stop|list|show}: starts a campaign with a team and stop rules, changes its
 * state, or lists the campaigns, through the running platform (LOOPLAB_PLATFORM_URL, else localhost on LOOPLAB_PORT).
 * Exit 0 on success, 2 on bad input or an unreachable platform, 3 when the platform refuses.
 */
final class CampaignCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String USAGE = """
            usage: looplab campaign start <task> [--id ID] [--team specialists|generalist|random|llm]
                                           [--max-trials N] [--max-hours H] [--stop-after-no-keep K]
                   looplab campaign pause|resume|stop|show <id>
                   looplab campaign list
              Starts a search on a task (the proposer picks it up within seconds), pauses it (trials in flight
              finish, nothing new is proposed), resumes or stops it for good, shows one or lists all. A campaign
              stops by itself after N accepted trials, H hours of running, or K trained trials without a keep.""";

    private CampaignCommand() {
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        String base = Looplab.platformUrl(env);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            return switch (args.get(0)) {
                case "start" -> start(args.subList(1, args.size()), base, http, out, err);
                case "pause", "resume", "stop" -> change(args, base, http, out, err);
                case "show" -> show(args, base, http, out, err);
                case "list" -> list(base, http, out, err);
                default -> {
                    err.println("unknown campaign command '" + args.get(0) + "'");
                    err.println(USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("cannot reach the platform at " + base + " (" + e.getMessage()
                    + "): start it with ./looplab up or set LOOPLAB_PLATFORM_URL");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    private static int start(List<String> args, String base, HttpClient http, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--id" -> body.put("campaign", value(args, ++i, a));
                case "--team" -> body.put("team", value(args, ++i, a));
                case "--max-trials" -> body.put("maxTrials", whole(value(args, ++i, a), a));
                case "--max-hours" -> body.put("maxHours", number(value(args, ++i, a), a));
                case "--stop-after-no-keep" -> body.put("stopAfterNoKeep", whole(value(args, ++i, a), a));
                default -> {
                    if (a.startsWith("--") || body.has("task")) {
                        throw new IllegalArgumentException("unexpected argument '" + a + "'");
                    }
                    body.put("task", a);
                }
            }
        }
        if (!body.has("task")) {
            throw new IllegalArgumentException("name the task to search, for example: looplab campaign start golf-mini");
        }
        HttpResponse<String> response = http.send(PlatformAccess.request(URI.create(base + "/api/campaigns"))
                        .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            return refused("start", response, err);
        }
        JsonNode c = JSON.readTree(response.body());
        out.println((response.statusCode() == 201 ? "started " : "already running: ") + describe(c));
        return 0;
    }

    private static int change(List<String> args, String base, HttpClient http, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        String id = id(args);
        HttpResponse<String> response = http.send(PlatformAccess.request(URI.create(base + "/api/campaigns/"
                        + segment(id) + "/" + args.get(0))).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            return refused(args.get(0), response, err);
        }
        out.println(describe(JSON.readTree(response.body())));
        return 0;
    }

    private static int show(List<String> args, String base, HttpClient http, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(PlatformAccess.request(URI.create(base + "/api/campaigns/"
                + segment(id(args)))).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            return refused("show", response, err);
        }
        out.println(describe(JSON.readTree(response.body())));
        return 0;
    }

    private static int list(String base, HttpClient http, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(PlatformAccess.request(URI.create(base + "/api/campaigns"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            return refused("list", response, err);
        }
        JsonNode all = JSON.readTree(response.body());
        out.printf(Locale.ROOT, "%-28s %-14s %-8s %-12s %7s %7s %6s %10s  %s%n", "CAMPAIGN", "TASK", "STATE", "TEAM",
                "TRIALS", "FLIGHT", "KEEPS", "BEST", "LIMITS");
        for (JsonNode c : all) {
            out.printf(Locale.ROOT, "%-28s %-14s %-8s %-12s %7d %7d %6d %10s  %s%n", c.path("campaign").asText(),
                    c.path("task").asText(), c.path("state").asText(), c.path("team").asText(),
                    c.path("counts").path("trials").asLong(), c.path("inFlight").asLong(),
                    c.path("counts").path("keeps").asLong(), score(c.path("bestScore")), limits(c.path("limits")));
        }
        if (all.isEmpty()) {
            out.println("(no campaigns: start one with looplab campaign start <task>)");
        }
        return 0;
    }

    /** "golf-mini-x on golf-mini: running, team specialists, 12 trials (3 kept), best 3.71 (trial 40), ..." */
    static String describe(JsonNode c) {
        StringBuilder s = new StringBuilder(c.path("campaign").asText()).append(" on ").append(c.path("task").asText())
                .append(": ").append(c.path("state").asText());
        if (!c.path("stopReason").isMissingNode() && !c.path("stopReason").isNull()) {
            s.append(" (").append(c.path("stopReason").asText()).append(')');
        }
        s.append(", team ").append(c.path("team").asText())
                .append(", ").append(c.path("counts").path("trials").asLong()).append(" trials (")
                .append(c.path("counts").path("keeps").asLong()).append(" kept, ").append(c.path("inFlight").asLong())
                .append(" in flight), best ").append(score(c.path("bestScore")));
        if (c.hasNonNull("bestTrialId")) {
            s.append(" (trial ").append(c.path("bestTrialId").asText()).append(')');
        }
        String limits = limits(c.path("limits"));
        if (!limits.equals("-")) {
            s.append(", limits ").append(limits);
        }
        s.append(", ").append(c.path("slots").asInt()).append(" of ").append(c.path("liveWorkers").asInt())
                .append(" live workers' slots");
        return s.toString();
    }

    private static String limits(JsonNode l) {
        StringBuilder s = new StringBuilder();
        if (l.hasNonNull("maxTrials")) {
            s.append(l.path("maxTrials").asInt()).append(" trials");
        }
        if (l.hasNonNull("maxHours")) {
            s.append(s.isEmpty() ? "" : ", ").append(l.path("maxHours").asText()).append(" h");
        }
        if (l.hasNonNull("stopAfterNoKeep")) {
            s.append(s.isEmpty() ? "" : ", ").append(l.path("stopAfterNoKeep").asInt()).append(" without a keep");
        }
        return s.isEmpty() ? "-" : s.toString();
    }

    private static String score(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.4f", v.asDouble()) : "-";
    }

    private static int refused(String what, HttpResponse<String> response, PrintStream err) {
        String reason = response.body();
        try {
            JsonNode node = JSON.readTree(response.body());
            if (node.hasNonNull("error")) {
                reason = node.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: print as it came
        }
        err.println("campaign " + what + " refused (HTTP " + response.statusCode() + "): " + reason
                + PlatformAccess.hint(response.statusCode()));
        return response.statusCode() == 404 || response.statusCode() == 400 ? 2 : 3;
    }

    private static String id(List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("looplab campaign " + args.get(0) + " needs exactly one campaign id");
        }
        return args.get(1);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int whole(String v, String option) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + v + "' is not a whole number");
        }
    }

    private static double number(String v, String option) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + v + "' is not a number");
        }
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
