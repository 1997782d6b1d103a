package dev.looplab.platform.bench;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialNode;
import dev.looplab.lineage.bench.SyntheticLineage;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.support.RealServicesResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.postgresql.PGConnection;

import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's targets on a 100,000-trial campaign: the server time of the trials table's filters and sorts (p95
 * under 100 ms), the first useful paint of the trials and campaign views (under 1.5 s) and the lineage tree at
 * 10,000 drawn nodes (layout, first draw, frame times while zooming), in Debian's headless Chromium. The lineage
 * is generated ({@link SyntheticLineage}), the rows copied into Postgres from it. Runs only with
 * {@code -Dbench.browser=true}; prints a markdown table and writes it to {@code target/bench/trial-browser.md}.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@EnabledIfSystemProperty(named = "bench.browser", matches = "true")
class TrialBrowserBenchmark {
    static final int TRIALS = Integer.getInteger("bench.trials", 100_000);
    static final int TREE_TRIALS = 9_999;
    static final int ROUNDS = Integer.getInteger("bench.rounds", 20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;
    @Inject
    LineageService lineage;
    @Inject
    AgroalDataSource db;

    @Test
    void givenA100kTrialCampaign_whenBrowsed_thenFiltersPaintAndTheTreeMeetTheTargets() throws Exception {
        long start = System.nanoTime();
        seed("bench-100k", TRIALS, 42, "t");
        double seedSeconds = (System.nanoTime() - start) / 1e9;
        seed("bench-10k", TREE_TRIALS, 7, "u");
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Trial browser benchmark, %s, %d cores, load average at start %s;"
                        + " campaign of %,d trials plus root (lineage generated and rows copied in %.0f s)",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), loadAverage(), TRIALS, seedSeconds));

        // server time of the table's filters and sorts, from the Server-Timing header (page + count)
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("newest first (default)", "");
        queries.put("status=keep", "status=keep");
        queries.put("status=failure (group)", "status=failure");
        queries.put("specialist=optimizer", "specialist=optimizer");
        queries.put("text q=knob_7", "q=knob_7");
        queries.put("score range", "min_score=3.9&max_score=4.0");
        queries.put("sort=score", "sort=score");
        queries.put("sort=-delta_best", "sort=-delta_best");
        queries.put("page 1,000 of 50", "page=1000");
        queries.put("specialist + status + sort=score", "specialist=schedule&status=discard&sort=score");
        queries.put("text + sort=-score, page 3", "q=schedule&sort=-score&page=3");
        StringBuilder table = new StringBuilder("| query | rows matching | server p50 | server p95 | round trip p95 |\n"
                + "|---|---|---|---|---|\n");
        List<Double> allServer = new ArrayList<>();
        for (var q : queries.entrySet()) {
            double[] server = new double[ROUNDS];
            double[] trip = new double[ROUNDS];
            long total = 0;
            get("api/campaigns/bench-100k/trials?" + q.getValue());
            for (int r = 0; r < ROUNDS; r++) {
                long t0 = System.nanoTime();
                HttpResponse<String> response = get("api/campaigns/bench-100k/trials?" + q.getValue());
                trip[r] = (System.nanoTime() - t0) / 1e6;
                assertThat(response.statusCode()).as(q.getKey() + ": " + response.body()).isEqualTo(200);
                server[r] = Double.parseDouble(response.headers().firstValue("Server-Timing").orElseThrow()
                        .replaceAll(".*dur=", ""));
                total = Long.parseLong(response.body().replaceAll("(?s).*\"total\":(\\d+).*", "$1"));
            }
            Arrays.stream(server).forEach(allServer::add);
            table.append(String.format(Locale.ROOT, "| %s | %,d | %.1f ms | %.1f ms | %.1f ms |%n", q.getKey(), total,
                    percentile(server, 50), percentile(server, 95), percentile(trip, 95)));
        }
        double p95 = percentile(allServer.stream().mapToDouble(Double::doubleValue).toArray(), 95);
        report.add("Filter and sort, " + ROUNDS + " rounds each (after one warm-up round):\n\n" + table
                + String.format(Locale.ROOT, "%nAll queries together: server p95 %.1f ms.%n", p95));

        Map<String, double[]> other = new LinkedHashMap<>();
        other.put("campaign summaries", time("api/campaign-summaries"));
        other.put("best-so-far (2,000 points)", time("api/campaigns/bench-100k/best-so-far"));
        other.put("specialists", time("api/campaigns/bench-100k/specialists"));
        other.put("statuses", time("api/campaigns/bench-100k/statuses"));
        other.put("best-so-far, every point (100,000)", time("api/campaigns/bench-100k/best-so-far?max_points=100000"));
        other.put("tree of 100,000 trials, folded to 10,000 nodes", time("api/campaigns/bench-100k/tree"));
        other.put("tree of 100,000 trials, unfolded", time("api/campaigns/bench-100k/tree?limit=1000000"));
        other.put("tree (10,000 rows)", time("api/campaigns/bench-10k/tree"));
        other.put("CSV export (all rows)", time("api/campaigns/bench-100k/trials.csv"));
        StringBuilder others = new StringBuilder("| endpoint | round trip p50 | p95 |\n|---|---|---|\n");
        other.forEach((name, t) -> others.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f ms |%n", name,
                percentile(t, 50), percentile(t, 95))));
        report.add("Other endpoints on the same campaign, 5 rounds each:\n\n" + others);

        // the server's figures are kept even when the browser part fails (a loaded machine can stall the renderer)
        Path out = Path.of("target", "bench", "trial-browser.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", report), StandardCharsets.UTF_8);
        report.add(browser());
        report.add("Load average at the end: " + loadAverage() + ".");
        String text = String.join("\n", report);
        System.out.println(text);
        Files.writeString(out, text, StandardCharsets.UTF_8);
        assertThat(p95).as("filter/sort server p95 (ms)").isLessThan(100);
    }

    /** First useful paint of each view and the tree's frame times, cold (new profile) then warm. */
    private String browser() throws Exception {
        StringBuilder out = new StringBuilder("In Chromium (headless, 1,280 x 1,000), performance marks the views set"
                + " when their data is drawn, from navigation start:\n\n| view | cold | warm (median of 5) | warm range |\n|---|---|---|---|\n");
        WebDriver driver = chromium();
        StringBuilder timeline = new StringBuilder();
        try {
            for (String[] view : new String[][] {{"trials table, 100,000 trials", "#/campaign/bench-100k/trials", "trials"},
                    {"campaign overview (best-so-far chart)", "#/campaign/bench-100k", "best-so-far"},
                    {"campaigns list", "#/", "campaigns"},
                    {"lineage tree, 10,000 nodes drawn", "#/campaign/bench-10k/tree", "tree"},
                    {"lineage tree, 100,000 trials (folded to 10,000)", "#/campaign/bench-100k/tree", "tree"}}) {
                double cold = paint(driver, view[1], view[2]);
                double[] warm = new double[5];
                for (int i = 0; i < warm.length; i++) {
                    warm[i] = paint(driver, view[1], view[2]);
                }
                out.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f ms | %.0f-%.0f ms |%n", view[0], cold,
                        percentile(warm, 50), Arrays.stream(warm).min().orElse(0), Arrays.stream(warm).max().orElse(0)));
                timeline.append("- ").append(view[0]).append(": ").append(timeline(driver)).append('\n');
            }
            out.append("\nWhere the last warm load's time went (ms from navigation start; API requests as start-end):\n\n")
                    .append(timeline);
            // the 100,000-trial tree comes folded: opening the largest folded node fetches its subtree
            paint(driver, "#/campaign/bench-100k/tree", "tree");
            JavascriptExecutor tree = (JavascriptExecutor) driver;
            String before = (String) tree.executeScript("return document.getElementById('tree-canvas').dataset.drawn");
            String opened = (String) tree.executeScript("const c = document.getElementById('tree-canvas');"
                    + " const f = c.looplab.points.filter(p => p.folded && p.node.hidden > 0)"
                    + "   .sort((a, b) => b.node.hidden - a.node.hidden)[0];"
                    + " window.looplabUnfoldStart = performance.now();"
                    + " c.looplab.onToggle(f.id); return f.id + ' (' + f.node.hidden + ' trials below)';");
            long until = System.currentTimeMillis() + 60_000;
            while (before.equals(tree.executeScript("return document.getElementById('tree-canvas').dataset.drawn"))) {
                assertThat(System.currentTimeMillis()).as("the folded node %s opens", opened).isLessThan(until);
                Thread.sleep(10);
            }
            Number unfoldMs = (Number) tree.executeScript("return performance.now() - window.looplabUnfoldStart");
            out.append(String.format(Locale.ROOT, "%nOpening the 100,000-trial tree's largest folded node, %s:"
                    + " %.0f ms until drawn (%s nodes drawn before, %s after).%n", opened, unfoldMs.doubleValue(),
                    before, tree.executeScript("return document.getElementById('tree-canvas').dataset.drawn")));
            // the 10,000-node tree: frame times while zooming in and out and panning
            paint(driver, "#/campaign/bench-10k/tree", "tree");
            JavascriptExecutor js = (JavascriptExecutor) driver;
            String drawn = (String) js.executeScript("return document.getElementById('tree-canvas').dataset.drawn");
            double[] frames = new double[60];
            for (int i = 0; i < frames.length; i++) {
                Number ms = (Number) js.executeScript("const p = document.getElementById('tree-canvas').looplab;"
                        + (i % 3 == 0 ? "p.panBy(40, 25);" : i < 30 ? "p.zoomBy(1.15);" : "p.zoomBy(0.85);")
                        + "return p.lastFrameMs;");
                frames[i] = ms.doubleValue();
            }
            out.append(String.format(Locale.ROOT, "%nLineage tree with %s nodes drawn: one frame (all in view, zoomed"
                    + " and panned 60 times) takes median %.1f ms, p95 %.1f ms, max %.1f ms.%n", drawn,
                    percentile(frames, 50), percentile(frames, 95), Arrays.stream(frames).max().orElse(0)));
        } finally {
            driver.quit();
        }
        return out.toString();
    }

    /** The page's DOMContentLoaded and each API request (start-end), from navigation start. */
    private static String timeline(WebDriver driver) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "const n = performance.getEntriesByType('navigation')[0];"
                + " const api = performance.getEntriesByType('resource').filter(r => r.name.includes('/api/'))"
                + "   .map(r => r.name.replace(location.origin, '').split('?')[0] + ' ' + Math.round(r.startTime)"
                + "   + '-' + Math.round(r.responseEnd));"
                + " const js = performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js'))"
                + "   .reduce((m, r) => Math.max(m, r.responseEnd), 0);"
                + " return 'DOMContentLoaded ' + Math.round(n.domContentLoadedEventEnd) + ', scripts loaded by '"
                + "   + Math.round(js) + ', ' + api.join(', ');");
    }

    private double paint(WebDriver driver, String hash, String mark) throws Exception {
        driver.get("about:blank");
        driver.get(base + hash);
        JavascriptExecutor js = (JavascriptExecutor) driver;
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Object at = js.executeScript("const m = performance.getEntriesByName('looplab:" + mark + "');"
                    + " return m.length ? m[0].startTime : null;");
            if (at != null) {
                return ((Number) at).doubleValue();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("view " + hash + " never set mark " + mark);
    }

    /**
     * A campaign named {@code campaign} on a generated lineage of its own (a task folder no recipe has: the platform
     * opens it as it opens an imported history) and its rows: status, score and specialist from the lineage's
     * notes, about 8% of the discards turned into crashes, hypotheses and feedback with words to search.
     */
    private void seed(String campaign, int trials, long seed, String idPrefix) throws Exception {
        String task = campaign + "-task";
        Path dir = lineage.repositoryPath(task);
        SyntheticLineage.generate(dir, trials, seed, 1_000, false, idPrefix);
        List<TrialNode> nodes = lineage.store(task).treeRows();
        Random random = new Random(seed);
        Instant t0 = Instant.now().minusSeconds(30L * trials);
        StringBuilder rows = new StringBuilder();
        String best = null;
        double bestScore = Double.MAX_VALUE;
        List<TrialNode> ordered = new ArrayList<>(nodes);
        ordered.sort(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.trialId().substring(idPrefix.length()))));
        for (TrialNode n : ordered) {
            int i = Integer.parseInt(n.trialId().substring(idPrefix.length()));
            boolean root = n.parentTrialId() == null;
            String status = n.status() == null ? "discard" : n.status().name();
            Double score = n.score();
            if (!root && "discard".equals(status) && random.nextDouble() < 0.08) {
                status = "crash";
                score = null;
            }
            if ("keep".equals(status) && score != null && score < bestScore) {
                bestScore = score;
                best = n.trialId();
            }
            String specialist = root ? "baseline" : n.specialist();
            String hypothesis = root ? "Baseline recipe" : "Set KNOB_" + (1 + random.nextInt(30)) + " to "
                    + random.nextInt(1000) + " on the " + specialist + " surface";
            String feedback = "crash".equals(status) ? "Training crashed: loss is NaN at step " + random.nextInt(500)
                    : "Verdict: " + status + " against the best by the 2sigma rule";
            Instant created = t0.plusSeconds(30L * i);
            rows.append(String.join("\t", n.trialId(), campaign, task, specialist, specialist,
                    root ? "\\N" : n.parentTrialId(), hypothesis, n.commitId(), status,
                    score == null ? "\\N" : Double.toString(score), score == null ? "\\N" : "lower",
                    score == null || root ? "\\N" : Double.toString(score - 4.0),
                    score == null || root ? "\\N" : Double.toString(score - bestScore), feedback,
                    created.toString(), created.plusSeconds(25).toString(), root ? "root" : "proposal",
                    "keep".equals(status) ? "2sigma" : "\\N")).append('\n');
        }
        try (Connection c = db.getConnection()) {
            try (var s = c.prepareStatement("insert into campaign (id, task, root_trial_id, best_trial_id, best_score)"
                    + " values (?, ?, ?, ?, ?)")) {
                s.setString(1, campaign);
                s.setString(2, task);
                s.setString(3, idPrefix + "0");
                s.setString(4, best);
                s.setDouble(5, bestScore);
                s.executeUpdate();
            }
            // parents reference trials: copy in id order (parents first), constraint checked per row
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy trial (id, campaign_id, task, specialist, surface,"
                    + " parent_trial_id, hypothesis, commit_id, status, score, direction, delta_vs_parent, delta_vs_best,"
                    + " feedback, created_at, recorded_at, kind, keep_rule) from stdin", new StringReader(rows.toString()));
            try (var s = c.createStatement()) {
                s.execute("analyze trial");
            }
        }
        if (best != null) {
            lineage.store(task).moveBest(campaign, best);
        }
    }

    private double[] time(String path) throws Exception {
        double[] t = new double[5];
        get(path);
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = get(path);
            t[i] = (System.nanoTime() - t0) / 1e6;
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
        return t;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept-Encoding", "identity").GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static WebDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", "--user-data-dir=" + Files.createTempDirectory("chromium-bench"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // a script waits on the renderer's main thread, which a 10,000-node layout holds for seconds on a busy machine
        driver.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(120));
        return driver;
    }
}
