package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.infra.LocalPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The search-quality benchmark (issue 13): golf-mini with a short training budget, campaigns of each team
 * ({@code random}, {@code generalist}, {@code specialists}; {@code llm} when LOOPLAB_LLM_BASE_URL is set) with an
 * equal trial budget, each repeated; one campaign at a time on the same stack. Writes best-so-far curves (CSV and
 * SVG), final gains against the mean of the baseline's runs, keeps, and the shares of crashes, size_blocked and
 * budget overruns to {@code target/search-bench/}; beside each validation number the best's score on the test slice
 * no trial is selected on (from the browse endpoint's best-so-far keeps), so a search that fits the validation
 * slice shows as a validation gain without a test gain. Opt-in, hours at full size:
 * {@code infra/bench/search/run.sh [trials] [repeats] [budget_s]}; {@code run.sh --smoke} runs 3 trials of one team.
 */
@EnabledIfSystemProperty(named = "bench.search", matches = "true")
class SearchBenchmarkIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void runTheArms() throws Exception {
        int trials = Integer.getInteger("bench.search.trials", 40);
        int repeats = Integer.getInteger("bench.search.repeats", 2);
        int budget = Integer.getInteger("bench.search.budget", 40);
        List<String> teams = new ArrayList<>(List.of(System.getProperty("bench.search.teams",
                "random,generalist,specialists").split(",")));
        if (System.getenv("LOOPLAB_LLM_BASE_URL") != null && !teams.contains("llm")) {
            teams.add("llm");
        }
        Path home = Files.createTempDirectory("looplab-search-bench");
        Path out = Files.createDirectories(Path.of("target", "search-bench"));
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        long started = System.nanoTime();
        Map<String, Arm> arms = new LinkedHashMap<>();
        try (Stack stack = Stack.start(new Stack.Settings(root, home, LocalPorts.free(), "search-warmup", "golf-mini",
                budget, true, Map.of("LOOPLAB_NOISE_RUNS", "2",
                        // the benchmark starts and stops campaigns over REST without a token, as this machine's admin
                        "LOOPLAB_LOCAL_ROLE", "admin")))) {
            String url = stack.platformUrl();
            stop(url, "search-warmup");
            for (int r = 1; r <= repeats; r++) {
                for (String team : teams) {
                    String id = "search-" + team + "-" + r;
                    long began = System.nanoTime();
                    post(url, "/api/campaigns", JSON.writeValueAsString(Map.of("campaign", id, "task", "golf-mini",
                            "team", team, "maxTrials", trials)));
                    await().atMost(Duration.ofHours(3)).pollInterval(Duration.ofSeconds(20))
                            .until(() -> finished(url, id, trials));
                    stop(url, id);
                    Arm arm = Arm.of(id, team, get(url, "/api/campaigns/" + id + "/lineage"),
                            get(url, "/api/campaigns/" + id), get(url, "/api/campaigns/" + id + "/best-so-far"),
                            (System.nanoTime() - began) / 1e9);
                    arms.put(id, arm);
                    System.out.println(arm.summary());
                }
            }
        }
        Files.writeString(out.resolve("curves.csv"), curves(arms));
        Files.writeString(out.resolve("best-so-far.svg"), svg(arms, teams));
        String table = table(arms, trials, budget, (System.nanoTime() - started) / 1e9);
        Files.writeString(out.resolve("report.md"), table);
        System.out.println(table);
        assertThat(arms).hasSize(teams.size() * repeats);
        assertThat(arms.values()).allSatisfy(a -> assertThat(a.proposals()).isGreaterThanOrEqualTo(trials));
    }

    /**
     * One campaign: the best-so-far after each proposal trial, the baseline mean and the counts; {@code testOfBest}
     * is the test-slice score of the best after each proposal trial (NaN while the best has none), {@code baselineTest}
     * the root's.
     */
    record Arm(String id, String team, List<Double> bestSoFar, double baselineMean, int proposals, int keeps,
               int crashes, int sizeBlocked, int overruns, double seconds, List<Double> testOfBest,
               double baselineTest) {

        static Arm of(String id, String team, String lineageJson, String campaignJson, String bestSoFarJson,
                      double seconds) throws Exception {
            JsonNode rows = JSON.readTree(lineageJson);
            JsonNode campaign = JSON.readTree(campaignJson);
            // the test-slice score of each best, which only the browse side serves: proposers never read it
            Map<String, Double> testOfKeep = new LinkedHashMap<>();
            for (JsonNode keep : JSON.readTree(bestSoFarJson).path("keeps")) {
                testOfKeep.put(keep.path("trialId").asText(),
                        keep.hasNonNull("testScore") ? keep.get("testScore").asDouble() : Double.NaN);
            }
            double baselineTest = testOfKeep.getOrDefault(campaign.path("rootTrialId").asText(), Double.NaN);
            List<Double> baseline = new ArrayList<>();
            List<JsonNode> proposals = new ArrayList<>();
            for (JsonNode row : rows) {
                String kind = row.path("kind").asText();
                if ((kind.equals("root") || kind.equals("noise")) && row.hasNonNull("score")) {
                    baseline.add(row.get("score").asDouble());
                } else if (kind.equals("proposal")) {
                    proposals.add(row);
                }
            }
            proposals.sort(java.util.Comparator.comparingLong(r -> r.path("createdAtMs").asLong()));
            double mean = baseline.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            List<Double> best = new ArrayList<>();
            List<Double> tests = new ArrayList<>();
            double current = mean;
            double currentTest = baselineTest;
            int keeps = 0;
            int crashes = 0;
            int size = 0;
            int overruns = 0;
            for (JsonNode row : proposals) {
                String status = row.path("status").asText();
                switch (status) {
                    case "keep" -> {
                        keeps++;
                        if (row.path("score").asDouble() <= current) {
                            current = row.path("score").asDouble();
                            currentTest = testOfKeep.getOrDefault(row.path("trial").asText(), Double.NaN);
                        }
                    }
                    case "crash", "illegal" -> crashes++;
                    case "size_blocked" -> size++;
                    case "train_budget_overrun", "eval_budget_overrun" -> overruns++;
                    default -> { }
                }
                best.add(current);
                tests.add(currentTest);
            }
            double finalBest = campaign.hasNonNull("bestScore") ? campaign.get("bestScore").asDouble() : current;
            if (!best.isEmpty()) {
                best.set(best.size() - 1, Math.min(best.get(best.size() - 1), finalBest));
            }
            if (!tests.isEmpty() && campaign.hasNonNull("bestTrialId")) {
                tests.set(tests.size() - 1, testOfKeep.getOrDefault(campaign.get("bestTrialId").asText(),
                        tests.get(tests.size() - 1)));
            }
            return new Arm(id, team, best, mean, proposals.size(), keeps, crashes, size, overruns, seconds, tests,
                    baselineTest);
        }

        double gain() {
            return bestSoFar.isEmpty() ? 0 : (baselineMean - bestSoFar.get(bestSoFar.size() - 1)) / baselineMean;
        }

        /** The final best's test-slice score; NaN when it has none. */
        double bestTest() {
            return testOfBest.isEmpty() ? baselineTest : testOfBest.get(testOfBest.size() - 1);
        }

        /** How far the final best's test score is below the baseline's: the gain that did not come from fitting. */
        double testGain() {
            return (baselineTest - bestTest()) / baselineTest;
        }

        String summary() {
            return String.format(Locale.ROOT, "search bench %s: %d trials in %.0f s, baseline mean %.4f, best %.4f"
                            + " (%.2f%% below), test %.4f -> %.4f (%.2f%% below), keeps %d, crashes %d, size_blocked %d,"
                            + " overruns %d", id, proposals,
                    seconds, baselineMean, bestSoFar.isEmpty() ? Double.NaN : bestSoFar.get(bestSoFar.size() - 1),
                    100 * gain(), baselineTest, bestTest(), 100 * testGain(), keeps, crashes, sizeBlocked, overruns);
        }
    }

    private static String table(Map<String, Arm> arms, int trials, int budget, double seconds) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%d trials per campaign, %d s budget, %.0f s"
                + " in all; validation is the slice every trial is scored on, test the slice only each new best is"
                + " scored on%n%n| campaign | team | trials | baseline mean | best | below baseline | baseline test |"
                + " best test | test below baseline | keeps | crashes | size_blocked | overruns | wall |%n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n", trials, budget, seconds));
        for (Arm a : arms.values()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.4f | %.4f | %.2f%% | %.4f | %.4f | %.2f%% | %d | %d"
                            + " | %d | %d | %.0f s |%n",
                    a.id(), a.team(), a.proposals(), a.baselineMean(),
                    a.bestSoFar().isEmpty() ? Double.NaN : a.bestSoFar().get(a.bestSoFar().size() - 1), 100 * a.gain(),
                    a.baselineTest(), a.bestTest(), 100 * a.testGain(),
                    a.keeps(), a.crashes(), a.sizeBlocked(), a.overruns(), a.seconds()));
        }
        return md.toString();
    }

    private static String curves(Map<String, Arm> arms) {
        StringBuilder csv = new StringBuilder("campaign,team,trial_index,best_so_far,best_test\n");
        arms.values().forEach(a -> {
            for (int i = 0; i < a.bestSoFar().size(); i++) {
                csv.append(a.id()).append(',').append(a.team()).append(',').append(i + 1).append(',')
                        .append(a.bestSoFar().get(i)).append(',').append(a.testOfBest().get(i)).append('\n');
            }
        });
        return csv.toString();
    }

    /** A plain SVG: best-so-far over trial index, one line per campaign, colour by team. */
    private static String svg(Map<String, Arm> arms, List<String> teams) {
        String[] colours = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};
        double lo = arms.values().stream().flatMap(a -> java.util.stream.Stream.concat(a.bestSoFar().stream(),
                a.testOfBest().stream())).mapToDouble(d -> d).filter(Double::isFinite).min().orElse(0);
        double hi = arms.values().stream().flatMap(a -> java.util.stream.Stream.of(a.baselineMean(), a.baselineTest()))
                .mapToDouble(d -> d).filter(Double::isFinite).max().orElse(1);
        int n = arms.values().stream().mapToInt(a -> a.bestSoFar().size()).max().orElse(1);
        int w = 720;
        int h = 400;
        int pad = 50;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\""
                + " width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\""
                + " height=\"100%%\" fill=\"white\"/>%n", w, h));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\">golf-mini best-so-far val_bpb by trial"
                + " (lower is better; dashed: the same best on the test slice)</text>%n", pad));
        for (Arm a : arms.values()) {
            String colour = colours[Math.max(0, teams.indexOf(a.team())) % colours.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < a.bestSoFar().size(); i++) {
                double x = pad + (w - 2.0 * pad) * (i + 1) / Math.max(1, n);
                double y = pad + (h - 2.0 * pad) * (hi - a.bestSoFar().get(i)) / Math.max(1e-9, hi - lo);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, h - y + pad / 2.0));
            }
            s.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"><title>%s"
                    + "</title></polyline>%n", colour, points.toString().trim(), a.id()));
            // the same best's test-slice score, dashed: a gap that widens is the search fitting the validation slice
            StringBuilder test = new StringBuilder();
            for (int i = 0; i < a.testOfBest().size(); i++) {
                double value = a.testOfBest().get(i);
                if (Double.isFinite(value)) {
                    double x = pad + (w - 2.0 * pad) * (i + 1) / Math.max(1, n);
                    double y = pad + (h - 2.0 * pad) * (hi - value) / Math.max(1e-9, hi - lo);
                    test.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, h - y + pad / 2.0));
                }
            }
            if (!test.isEmpty()) {
                s.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1\""
                        + " stroke-dasharray=\"4 3\" points=\"%s\"><title>%s test slice</title></polyline>%n", colour,
                        test.toString().trim(), a.id()));
            }
        }
        for (int t = 0; t < teams.size(); t++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - 150, 40 + 16 * t,
                    colours[t % colours.length], teams.get(t)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">trial 1..%d; y from %.3f to %.3f</text>%n", pad,
                h - 10, n, lo, hi));
        return s.append("</svg>\n").toString();
    }

    private static boolean finished(String url, String id, int trials) {
        try {
            JsonNode rows = JSON.readTree(get(url, "/api/campaigns/" + id + "/lineage"));
            int done = 0;
            int open = 0;
            for (JsonNode row : rows) {
                if (row.path("kind").asText().equals("proposal")) {
                    if (row.hasNonNull("recordedAtMs")) {
                        done++;
                    } else {
                        open++;
                    }
                }
            }
            return done >= trials && open == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Stops the campaign (it may have stopped itself at its trial budget already). */
    private static void stop(String url, String id) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/campaigns/" + id + "/stop"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static String get(String url, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void post(String url, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isLessThan(300);
    }
}
