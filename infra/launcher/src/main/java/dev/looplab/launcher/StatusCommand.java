package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.launcher.StackFile.AppEntry;
import dev.looplab.launcher.StackFile.RunState;
import dev.looplab.launcher.StackFile.ServiceEntry;
import dev.looplab.launcher.StackFile.Supervision;
import dev.looplab.trial.TrialStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code looplab status}: one screen on a Looplab, built from {@code $LOOPLAB_HOME/run/stack.json} and the endpoints
 * it names: services, apps (process, supervision, health), campaigns, trials in flight, workers, consumer lag and
 * dead letters (the apps' {@code looplab_} metrics), and the last ERROR or WARN of the app logs. Whatever is down is
 * said so, and the exit status is 0 only when everything is up.
 */
final class StatusCommand {
    static final String USAGE = """
            usage: looplab status
              One screen on the Looplab of LOOPLAB_HOME: services, apps (pid, up/down/crash-looping, restarts,
              health), campaigns, trials in flight, workers, consumer lag, dead letters and the last error of the
              app logs. Exits 0 when everything is up, 1 otherwise (what is down is listed at the end).
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int TRIALS_LOOKED_AT = 1000;
    private static final int CRASH_LINES_SHOWN = 8;

    private final Path home;
    private final String fallbackPlatformUrl;
    private final String fallbackCampaign;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> problems = new ArrayList<>();

    private StatusCommand(Path home, String fallbackPlatformUrl, String fallbackCampaign, PrintStream out) {
        this.home = home;
        this.fallbackPlatformUrl = fallbackPlatformUrl;
        this.fallbackCampaign = fallbackCampaign;
        this.out = out;
    }

    /** Prints the status of the Looplab that {@code env} names (LOOPLAB_HOME, LOOPLAB_PORT, LOOPLAB_CAMPAIGN). */
    static int run(Map<String, String> env, PrintStream out) {
        return run(Stack.Settings.home(env), Looplab.platformUrl(env),
                env.getOrDefault("LOOPLAB_CAMPAIGN", "golf-mini-default"), out);
    }

    /** Prints the status of the Looplab in {@code home}; exit status 0 when everything is up, else 1. */
    static int run(Path home, String fallbackPlatformUrl, String fallbackCampaign, PrintStream out) {
        return new StatusCommand(home, fallbackPlatformUrl, fallbackCampaign, out).print();
    }

    private int print() {
        Optional<StackFile> stack;
        try {
            stack = StackFile.read(StackFile.at(home));
        } catch (RuntimeException e) {
            out.println("Looplab at " + home + ": " + e.getMessage());
            stack = Optional.empty();
        }
        String platformUrl = stack.map(StackFile::platformUrl).orElse(fallbackPlatformUrl);
        header(stack);
        List<AppEntry> apps = stack.map(StackFile::apps).orElse(List.of());
        stack.ifPresent(this::services);
        if (stack.isEmpty()) {
            section("SERVICES");
            row("unknown: no stack.json, so no endpoints to check");
        }
        Map<String, Health> health = apps(stack, platformUrl);
        platformView(platformUrl, stack.map(StackFile::campaign).orElse(fallbackCampaign), health);
        metrics(apps, health);
        lastError(apps);
        out.println();
        if (problems.isEmpty()) {
            out.println("status: everything is up");
            return 0;
        }
        out.println("status: " + problems.size() + (problems.size() == 1 ? " problem: " : " problems: ")
                + String.join("; ", problems));
        return 1;
    }

    private void header(Optional<StackFile> stack) {
        if (stack.isEmpty()) {
            out.println("Looplab at " + home + ": not running (no " + StackFile.at(home)
                    + "; start it with ./looplab up)");
            problems.add("Looplab is not running");
            return;
        }
        StackFile s = stack.get();
        boolean launcherAlive = s.launcherRuns();
        if (!launcherAlive) {
            out.println("Looplab at " + home + ": not running (launcher pid " + s.launcherPid() + " is gone; it was "
                    + s.state() + " at " + CLOCK.format(s.updatedAt()) + ")");
            problems.add("Looplab is not running");
        } else if (s.state() != RunState.up) {
            out.println("Looplab at " + home + ": " + s.state() + " (launcher pid " + s.launcherPid() + ")");
            problems.add("Looplab is " + s.state());
        } else {
            out.println("Looplab at " + home + ": up for " + duration(Duration.between(s.startedAt(), Instant.now()))
                    + " (launcher pid " + s.launcherPid() + ", campaign " + s.campaign() + ", task " + s.task() + ")");
        }
    }

    private void services(StackFile stack) {
        section("SERVICES");
        for (ServiceEntry service : stack.services()) {
            boolean reachable = reachable(service.name(), service.endpoint());
            Supervision sup = service.supervision();
            String state = sup != null && sup.crashLooping() ? "crash-looping" : reachable ? "up" : "DOWN";
            String detail = service.embedded() ? "embedded" + (reachable && service.pid() != null ? ", pid "
                    + service.pid() : "") : "external";
            row(String.format("%-12s %-14s %-44s %s%s", service.name(), state, service.endpoint(), detail,
                    supervisionDetail(sup)));
            if (!reachable) {
                problems.add(service.name() + " is down");
            } else if (sup != null && sup.crashLooping()) {
                problems.add(service.name() + " is crash-looping");
            }
            crashLines(sup);
        }
    }

    /** The state of each app's process and its health; returns the health per app for the sections after. */
    private Map<String, Health> apps(Optional<StackFile> stack, String platformUrl) {
        section("APPS");
        Map<String, Health> health = new LinkedHashMap<>();
        List<AppEntry> apps = stack.map(StackFile::apps).orElse(List.of());
        if (apps.isEmpty()) {
            Health platform = health(platformUrl);
            health.put("platform", platform);
            String state = platform.answers() ? "up (not started by looplab up in this home)" : "DOWN";
            row(String.format("%-16s %-14s %s  health %s", "platform", state, platformUrl, platform));
            if (!platform.answers()) {
                problems.add("the platform does not answer at " + platformUrl);
            }
            return health;
        }
        for (AppEntry app : apps) {
            boolean alive = stack.get().runs(app.pid());
            Supervision sup = app.supervision();
            boolean looping = sup != null && sup.crashLooping();
            Health h = alive ? health(app.url()) : Health.NOT_RUNNING;
            health.put(app.name(), h);
            String state = looping ? "crash-looping" : alive ? "up" : "DOWN";
            row(String.format("%-16s %-14s %-10s %-24s health %s%s", app.name(), state,
                    alive ? "pid " + app.pid() : "no process", app.url(), h, supervisionDetail(sup)));
            if (looping) {
                problems.add(app.name() + " is crash-looping");
            } else if (!alive) {
                problems.add(app.name() + " is down");
            } else if (h.down()) {
                problems.add(app.name() + " reports " + h);
            }
            crashLines(sup);
        }
        return health;
    }

    private void platformView(String platformUrl, String campaign, Map<String, Health> health) {
        section("CAMPAIGNS");
        Optional<JsonNode> listed = getJson(platformUrl + "/api/campaigns").filter(JsonNode::isArray);
        Optional<JsonNode> campaigns = listed.isPresent() ? listed
                : getJson(platformUrl + "/api/campaigns/" + campaign).map(c -> JSON.createArrayNode().add(c));
        if (campaigns.isEmpty()) {
            boolean processProblem = health.containsKey("platform") && !health.get("platform").answers();
            row("n/a: the platform does not answer at " + platformUrl + " (or has no campaign " + campaign + ")");
            if (!processProblem) {
                problems.add("the platform's REST API does not answer at " + platformUrl);
            }
            out.println();
            out.println(String.format("%-18s%s", "TRIALS IN FLIGHT", "n/a"));
            out.println(String.format("%-18s%s", "WORKERS", "n/a"));
            return;
        }
        for (JsonNode c : campaigns.get()) {
            String best = c.path("bestTrialId").isNull() || c.path("bestTrialId").isMissingNode() ? "no best yet"
                    : "best trial " + c.path("bestTrialId").asText() + " (score " + (c.path("bestScore").isNumber()
                    ? String.format("%.4f", c.path("bestScore").asDouble()) : c.path("bestScore").asText()) + ")";
            row(String.format("%-20s task %-14s %-28s recorded %-5d in flight %d", c.path("campaign").asText(),
                    c.path("task").asText(), best, c.path("recorded").asLong(), c.path("inFlight").asLong()));
        }
        List<JsonNode> trials = new ArrayList<>();
        getJson(platformUrl + "/api/trials?limit=" + TRIALS_LOOKED_AT).filter(JsonNode::isArray)
                .ifPresent(array -> array.forEach(trials::add));
        List<JsonNode> inFlight = trials.stream().filter(t -> TrialStatus.of(t.path("status").asText())
                .map(TrialStatus::isInFlight).orElse(false)).toList();
        out.println();
        out.println(String.format("%-18s%d%s", "TRIALS IN FLIGHT", inFlight.size(), inFlight.isEmpty() ? "" : ": "
                + inFlight.stream().limit(5).map(t -> "trial " + t.path("id").asText() + " " + t.path("status").asText()
                        + (t.path("worker").isTextual() ? " on " + t.path("worker").asText() : ""))
                .collect(Collectors.joining(", ")) + (inFlight.size() > 5 ? ", ..." : "")));
        TreeSet<String> workers = trials.stream().map(t -> t.path("worker")).filter(JsonNode::isTextual)
                .map(JsonNode::asText).collect(Collectors.toCollection(TreeSet::new));
        out.println(String.format("%-18s%d seen in the last %d trial%s%s", "WORKERS", workers.size(), trials.size(),
                trials.size() == 1 ? "" : "s",
                workers.isEmpty() ? "" : ": " + String.join(", ", workers)));
    }

    private void metrics(List<AppEntry> apps, Map<String, Health> health) {
        List<Metric> all = new ArrayList<>();
        for (AppEntry app : apps) {
            if (health.getOrDefault(app.name(), Health.NOT_RUNNING) != Health.NOT_RUNNING) {
                get(app.url() + "/q/metrics").filter(r -> r.statusCode() == 200)
                        .ifPresent(r -> all.addAll(Metric.parse(app.name(), r.body())));
            }
        }
        List<Metric> lag = all.stream().filter(m -> m.name().contains("lag")).toList();
        List<Metric> deadLetters = all.stream().filter(m -> m.name().contains("dead_letter")).toList();
        out.println(String.format("%-18s%s", "CONSUMER LAG", lag.isEmpty() ? "n/a (no looplab_*lag* metric)"
                : total(lag) + byLabel(lag, "topic")));
        // the counters appear with the first dead letter of a topic: metrics read without one mean none so far
        out.println(String.format("%-18s%s", "DEAD LETTERS", !deadLetters.isEmpty()
                ? total(deadLetters) + byApp(deadLetters)
                : all.isEmpty() ? "n/a (no metrics could be read)" : "0 (none set aside)"));
    }

    private void lastError(List<AppEntry> apps) {
        List<AppEntry> logs = apps.isEmpty() ? List.of("platform", "worker", "proposer-agents").stream()
                .map(n -> new AppEntry(n, null, 0, null, home.resolve("logs").resolve(n + ".log").toString(), null))
                .toList() : apps;
        Optional<String> last = logs.stream()
                .flatMap(app -> Logs.lastProblem(Path.of(app.log())).map(line -> app.name() + ": " + line).stream())
                // Quarkus log lines begin with the date and time, so the latest sorts last
                .max(Comparator.comparing(line -> line.substring(line.indexOf(": ") + 2)));
        out.println(String.format("%-18s%s", "LAST ERROR", last.map(l -> l.length() > 240 ? l.substring(0, 240) + " ..." : l)
                .orElse("none in the app logs")));
    }

    // ---- pieces

    private void section(String title) {
        out.println();
        out.println(title);
    }

    private void row(String text) {
        out.println("  " + text);
    }

    private static String supervisionDetail(Supervision sup) {
        if (sup == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        if (sup.state() != StackFile.UnitState.up) {
            text.append(", ").append(sup.state());
        }
        if (sup.restarts() > 0) {
            text.append(", restarts ").append(sup.restarts());
        }
        if (sup.lastCrash() != null) {
            text.append(", last crash ").append(CLOCK.format(sup.lastCrash().at())).append(": ").append(sup.lastCrash().cause());
        }
        return text.toString();
    }

    private void crashLines(Supervision sup) {
        if (sup == null || !sup.crashLooping() || sup.lastCrash() == null) {
            return;
        }
        List<String> tail = sup.lastCrash().logTail();
        row("    last lines of its log before the crash:");
        tail.subList(Math.max(0, tail.size() - CRASH_LINES_SHOWN), tail.size()).forEach(l -> row("    | " + l));
    }

    /** An app's answer on /q/health/live and /q/health/ready. */
    record Health(String text, boolean answers, boolean down) {
        static final Health NOT_RUNNING = new Health("n/a (not running)", false, false);

        @Override
        public String toString() {
            return text;
        }
    }

    private Health health(String url) {
        Optional<HttpResponse<String>> live = get(url + "/q/health/live");
        if (live.isEmpty()) {
            return new Health("n/a (no answer on " + url + ")", false, false);
        }
        if (live.get().statusCode() == 404) {
            return new Health("n/a (no /q/health endpoint)", true, false);
        }
        Optional<HttpResponse<String>> ready = get(url + "/q/health/ready");
        String liveStatus = healthStatus(live.get());
        String readyStatus = ready.map(StatusCommand::healthStatus).orElse("no answer");
        boolean down = !"UP".equals(liveStatus) || !"UP".equals(readyStatus);
        String failing = ready.map(r -> downChecks(r.body())).orElse("");
        return new Health("live " + liveStatus + ", ready " + readyStatus + failing, true, down);
    }

    private static String healthStatus(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body()).path("status").asText("HTTP " + response.statusCode());
        } catch (IOException e) {
            return "HTTP " + response.statusCode();
        }
    }

    private static String downChecks(String body) {
        try {
            List<String> down = new ArrayList<>();
            JSON.readTree(body).path("checks").forEach(c -> {
                if (!"UP".equals(c.path("status").asText())) {
                    down.add(c.path("name").asText());
                }
            });
            return down.isEmpty() ? "" : " (down: " + String.join(", ", down) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private Optional<JsonNode> getJson(String url) {
        return get(url).filter(r -> r.statusCode() == 200).flatMap(r -> {
            try {
                return Optional.of(JSON.readTree(r.body()));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private Optional<HttpResponse<String>> get(String url) {
        try {
            return Optional.of(http.send(PlatformAccess.request(URI.create(url)).timeout(Duration.ofSeconds(3)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** True when something accepts a TCP connection where {@code endpoint} points. */
    static boolean reachable(String service, String endpoint) {
        return address(service, endpoint).map(address -> {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        }).orElse(false);
    }

    /** The host and port of a Kafka bootstrap list (its first entry), a JDBC URL or an HTTP URL. */
    static Optional<InetSocketAddress> address(String service, String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            return Optional.empty();
        }
        try {
            if (endpoint.startsWith("jdbc:")) {
                URI uri = URI.create(endpoint.substring("jdbc:".length()));
                return Optional.of(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432));
            }
            if (endpoint.startsWith("http://") || endpoint.startsWith("https://")) {
                URI uri = URI.create(endpoint);
                int port = uri.getPort() > 0 ? uri.getPort() : endpoint.startsWith("https") ? 443 : 80;
                return Optional.of(new InetSocketAddress(uri.getHost(), port));
            }
            String first = endpoint.split(",")[0].trim();
            int colon = first.lastIndexOf(':');
            return Optional.of(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String total(List<Metric> metrics) {
        return number(metrics.stream().mapToDouble(Metric::value).sum());
    }

    private static String byLabel(List<Metric> metrics, String label) {
        Map<String, Double> by = metrics.stream().filter(m -> m.labels().containsKey(label))
                .collect(Collectors.groupingBy(m -> m.labels().get(label), TreeMap::new,
                        Collectors.summingDouble(Metric::value)));
        return by.isEmpty() ? "" : " (" + by.entrySet().stream().map(e -> e.getKey() + " " + number(e.getValue()))
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String byApp(List<Metric> metrics) {
        Map<String, Double> by = metrics.stream().collect(Collectors.groupingBy(Metric::app, TreeMap::new,
                Collectors.summingDouble(Metric::value)));
        return " (" + by.entrySet().stream().map(e -> e.getKey() + " " + number(e.getValue()))
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : String.format("%.2f", value);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }

    /** One sample of a Prometheus text exposition whose name starts with {@code looplab_}. */
    record Metric(String app, String name, Map<String, String> labels, double value) {

        /** The {@code looplab_} samples of {@code text}; other lines, comments and malformed ones are skipped. */
        static List<Metric> parse(String app, String text) {
            List<Metric> metrics = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.startsWith("looplab_")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                try {
                    if (brace >= 0 && (space < 0 || brace < space)) {
                        int close = closingBrace(line, brace);
                        metrics.add(new Metric(app, line.substring(0, brace), labels(line.substring(brace + 1, close)),
                                value(line.substring(close + 1))));
                    } else if (space > 0) {
                        metrics.add(new Metric(app, line.substring(0, space), Map.of(), value(line.substring(space))));
                    }
                } catch (RuntimeException e) {
                    // not a sample this reader understands: the screen shows the others
                }
            }
            return metrics;
        }

        private static int closingBrace(String line, int open) {
            boolean quoted = false;
            for (int i = open + 1; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (c == '}' && !quoted) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no closing brace");
        }

        private static Map<String, String> labels(String text) {
            Map<String, String> labels = new LinkedHashMap<>();
            int i = 0;
            while (i < text.length()) {
                int eq = text.indexOf('=', i);
                int open = text.indexOf('"', eq);
                StringBuilder value = new StringBuilder();
                int j = open + 1;
                for (; j < text.length() && text.charAt(j) != '"'; j++) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    value.append(text.charAt(j));
                }
                labels.put(text.substring(i, eq).trim(), value.toString());
                i = text.indexOf(',', j);
                i = i < 0 ? text.length() : i + 1;
            }
            return labels;
        }

        private static double value(String rest) {
            return Double.parseDouble(rest.trim().split("\\s+")[0]);
        }
    }
}
