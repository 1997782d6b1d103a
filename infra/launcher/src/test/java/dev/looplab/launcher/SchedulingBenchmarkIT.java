package dev.looplab.launcher;

import dev.looplab.events.Json;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.infra.LocalPorts;
import dev.looplab.infra.LooplabServices;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scheduling-overhead benchmark (docs/benchmarks-scheduling.md): a campaign on the no-op task
 * queues {@code bench.trials} runs of its baseline (noise runs), and {@code bench.workers} (2) packaged workers take them
 * through the real path (Kafka run request, claim over REST, git checkout, bubblewrap sandbox, evaluator,
 * S3 artifacts, FINISHED, outcome recorded). Skipped unless {@code -Dbench.scheduling=true}.
 */
class SchedulingBenchmarkIT {
    private static final String CAMPAIGN = "scheduling-bench";
    private static final String TASK = "noop";
    private static final int WORKERS = Integer.getInteger("bench.workers", 2);
    private static final int TRIALS = Integer.getInteger("bench.trials", 1000);
    /**
     * Seconds each trial's process runs ({@code sleep} instead of {@code true}): with no-op trials four workers
     * finish more trials per second than the platform records, and the wall time then measures that queue, which a
     * stream of 60 s trials never builds up.
     */
    private static final int TRIAL_SECONDS = Integer.getInteger("bench.trialSeconds", 0);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LooplabServices services;
    private static Path home;
    private static Path adminToken;
    private static int port;
    private static App platform;
    private static final List<App> workers = new ArrayList<>();

    @BeforeAll
    static void startPlatformAndWorkers() throws Exception {
        assumeTrue(Boolean.getBoolean("bench.scheduling"), "the scheduling benchmark runs with -Dbench.scheduling=true");
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        Path recipes = root.resolve("infra/launcher/src/test/resources/bench-recipes");
        home = Files.createTempDirectory("looplab-sched-bench");
        if (TRIAL_SECONDS > 0) {
            Path task = home.resolve("bench-recipes").resolve(TASK);
            Files.createDirectories(task);
            String yaml = Files.readString(recipes.resolve(TASK).resolve("task.yaml"));
            assertThat(yaml).contains("command: [\"true\"]");
            Files.writeString(task.resolve("task.yaml"), yaml.replace("command: [\"true\"]",
                    "command: [\"sleep\", \"" + TRIAL_SECONDS + "\"]"));
            recipes = home.resolve("bench-recipes");
        }
        services = LooplabServices.forTests();
        port = LocalPorts.free();
        Map<String, String> env = new HashMap<>(services.endpoints().asEnvironment());
        env.put("LOOPLAB_S3_BUCKET", services.endpoints().bucket());
        env.put("LOOPLAB_RECIPES_DIR", recipes.toString());
        env.put("LOOPLAB_PLATFORM_URL", "http://localhost:" + port);
        env.put("LOOPLAB_LINEAGE_URL", "http://localhost:" + port + "/git");
        env.put("LOOPLAB_CAMPAIGN", CAMPAIGN);
        env.put("LOOPLAB_TASK", TASK);
        // every trial of the benchmark is a run of the baseline: the root trial plus TRIALS - 1 noise runs
        env.put("LOOPLAB_NOISE_RUNS", Integer.toString(TRIALS - 1));
        // as under looplab up: the platform registers this secret as its admin token, the apps call it with the file
        adminToken = PlatformAccess.ensureAdminToken(home);
        env.put("LOOPLAB_TOKEN_FILE", adminToken.toString());
        Map<String, String> platformEnv = new HashMap<>(env);
        platformEnv.put("LOOPLAB_ADMIN_TOKEN_FILE", adminToken.toString());
        platformEnv.put("LOOPLAB_HOME", home.resolve("platform").toString());
        platformEnv.put("LOOPLAB_PORT", Integer.toString(port));
        List<String> jvm = List.of("-XX:+UseSerialGC", "-Xmx512m");
        platform = App.start("platform", root.resolve("platform/app/target/quarkus-app/quarkus-run.jar"), platformEnv,
                home.resolve("logs"), jvm, port);
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            assertThat(platform.isAlive()).as("platform alive; see %s", platform.log()).isTrue();
            return status("/api/campaigns/" + CAMPAIGN) == 200;
        });
        for (int w = 1; w <= WORKERS; w++) {
            Map<String, String> workerEnv = new HashMap<>(env);
            workerEnv.put("LOOPLAB_HOME", home.resolve("worker-" + w).toString());
            workerEnv.put("LOOPLAB_WORKER_ID", "worker-" + w);
            // each on an HTTP port of its own (health and metrics)
            workers.add(App.start("worker-" + w, root.resolve("worker/target/quarkus-app/quarkus-run.jar"), workerEnv,
                    home.resolve("logs"), jvm, LocalPorts.free()));
        }
    }

    @AfterAll
    static void stopEverything() {
        workers.forEach(App::close);
        if (platform != null) {
            platform.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void givenAQueueOfNoOpTrialsOnTheWorkers_thenEachIsRecordedOnceAndTheOverheadIsReported() throws Exception {
        await().atMost(Duration.ofSeconds(120 + 3L * TRIALS)).pollInterval(Duration.ofSeconds(2))
                .until(() -> recorded() >= TRIALS);

        Map<String, Row> rows = rows();
        assertThat(rows).hasSize(TRIALS);
        assertThat(rows.values()).allSatisfy(r -> {
            assertThat(r.attempts).as("attempts of trial %s", r.id).isEqualTo(1);
            assertThat(r.score).as("score of trial %s (0.0 when true exited 0)", r.id).isEqualTo(0.0);
        });
        Map<String, Long> evaluating = eventTimes(rows.keySet(), TrialEvent.Type.EVALUATING);
        Map<String, Long> finished = eventTimes(rows.keySet(), TrialEvent.Type.FINISHED);
        assertThat(evaluating).hasSize(TRIALS);
        assertThat(finished).hasSize(TRIALS);

        double[] requestToStart = new double[TRIALS];
        double[] claimToStart = new double[TRIALS];
        double[] exitToRecorded = new double[TRIALS];
        double[] exitToFinished = new double[TRIALS];
        double[] finishedToRecorded = new double[TRIALS];
        List<Double> finishedToNextClaim = new ArrayList<>();
        Map<String, Long> lastFinishedByWorker = new HashMap<>();
        double[] process = new double[TRIALS];
        long firstClaim = Long.MAX_VALUE;
        long firstRequest = Long.MAX_VALUE;
        long lastRecorded = Long.MIN_VALUE;
        int i = 0;
        for (Row r : rows.values()) {
            // the worker publishes EVALUATING the moment the process has exited; it ran train_seconds before that
            long exitMs = evaluating.get(r.id);
            double startMs = exitMs - r.trainSeconds * 1000;
            requestToStart[i] = startMs - r.requestedMs;
            claimToStart[i] = startMs - r.claimedMs;
            exitToRecorded[i] = r.recordedMs - exitMs;
            exitToFinished[i] = finished.get(r.id) - exitMs;
            finishedToRecorded[i] = r.recordedMs - finished.get(r.id);
            process[i] = r.trainSeconds;
            firstClaim = Math.min(firstClaim, r.claimedMs);
            firstRequest = Math.min(firstRequest, r.requestedMs);
            lastRecorded = Math.max(lastRecorded, r.recordedMs);
            i++;
        }
        // a worker's idle time between trials: its FINISHED sent -> its next claim (rows ordered by claim)
        for (Row r : rows.values()) {
            Long previous = lastFinishedByWorker.put(r.worker, finished.get(r.id));
            if (previous != null) {
                finishedToNextClaim.add((double) (r.claimedMs - previous));
            }
        }
        // each worker's share, and its idle time while trials waited: every trial is queued before the first claim,
        // so trials wait until the last claim; a worker idles in its gaps (FINISHED sent -> next claim), before its
        // first claim and after its last FINISHED while others still claim
        long lastClaim = rows.values().stream().mapToLong(Row::claimedMs).max().orElseThrow();
        Map<String, List<Row>> byWorker = new java.util.TreeMap<>();
        rows.values().forEach(r -> byWorker.computeIfAbsent(r.worker, k -> new ArrayList<>()).add(r));
        StringBuilder workerLines = new StringBuilder();
        double idleWaitingTotalS = 0;
        for (var entry : byWorker.entrySet()) {
            List<Row> own = entry.getValue();
            long idleMs = own.get(0).claimedMs - firstClaim;
            long stallMs = idleMs > 1000 ? idleMs : 0;
            for (int k = 1; k < own.size(); k++) {
                long gap = Math.min(own.get(k).claimedMs, lastClaim) - finished.get(own.get(k - 1).id);
                idleMs += Math.max(0, gap);
                stallMs += gap > 1000 ? gap : 0;
            }
            long tail = lastClaim - finished.get(own.get(own.size() - 1).id);
            idleMs += Math.max(0, tail);
            stallMs += tail > 1000 ? tail : 0;
            idleWaitingTotalS += idleMs / 1000.0;
            long first = own.get(0).claimedMs;
            long last = own.stream().mapToLong(Row::recordedMs).max().orElseThrow();
            workerLines.append(String.format(Locale.ROOT, "%s: %d trials (%.1f %%) in %.1f s (first claim -> last "
                    + "outcome), %.3f s per trial; idle while trials waited %.1f s (of it in gaps over 1 s: %.1f s)%n",
                    entry.getKey(), own.size(), 100.0 * own.size() / TRIALS, (last - first) / 1000.0,
                    (last - first) / 1000.0 / own.size(), idleMs / 1000.0, stallMs / 1000.0));
        }
        // what each worker spent per trial outside the process, from its first claim to its last FINISHED: the
        // cost a long trial pays, without the platform's recording queue at the end
        double cycleOverheadS = 0;
        for (List<Row> own : byWorker.values()) {
            long first = own.get(0).claimedMs;
            long lastFinished = own.stream().mapToLong(r -> finished.get(r.id)).max().orElseThrow();
            cycleOverheadS += (lastFinished - first) / 1000.0 - own.stream().mapToDouble(Row::trainSeconds).sum();
        }
        double cycleOverheadPerTrialS = cycleOverheadS / TRIALS;
        workerLines.append(String.format(Locale.ROOT, "idle while trials waited, all workers: %.1f s (first claim ->"
                + " last claim %.1f s)", idleWaitingTotalS, (lastClaim - firstClaim) / 1000.0));
        double wallS = (lastRecorded - firstClaim) / 1000.0;
        double processS = Arrays.stream(process).sum();
        double idealS = processS / WORKERS;
        double overheadPerTrialS = (wallS * WORKERS - processS) / TRIALS;
        String report = String.join("\n",
                String.format(Locale.ROOT, "trials %d on %d workers, each process %s", TRIALS, WORKERS,
                        TRIAL_SECONDS > 0 ? "sleep " + TRIAL_SECONDS : "true"),
                stats("run request -> process start (includes the queue wait)", requestToStart),
                stats("claim -> process start", claimToStart),
                stats("process exit -> outcome recorded", exitToRecorded),
                stats("  process exit -> FINISHED sent (evaluator, artifacts to S3, fingerprint)", exitToFinished),
                stats("  FINISHED sent -> outcome recorded (Kafka, platform, git note)", finishedToRecorded),
                stats("worker FINISHED sent -> its next claim (ack, offset commit, poll, claim)",
                        finishedToNextClaim.stream().mapToDouble(Double::doubleValue).toArray()),
                stats("process (in bubblewrap, train_seconds)", multiply(process, 1000)),
                String.format(Locale.ROOT, "first run request -> first claim: %.1f s (workers starting)",
                        (firstClaim - firstRequest) / 1000.0),
                String.format(Locale.ROOT, "wall (first claim -> last outcome recorded): %.1f s; ideal (process "
                        + "seconds / %d workers): %.2f s; throughput %.2f trials/s", wallS, WORKERS, idealS,
                        TRIALS / wallS),
                workerLines.toString().strip(),
                String.format(Locale.ROOT, "overhead per trial ((wall x workers - process seconds) / trials): "
                        + "%.3f s = %.2f %% of a 60 s trial, %.1f %% of a 1 s trial", overheadPerTrialS,
                        100 * overheadPerTrialS / 60, 100 * overheadPerTrialS / 1),
                String.format(Locale.ROOT, "worker cycle overhead per trial (each worker's first claim -> last FINISHED"
                        + " sent, less its process seconds, summed / trials): %.3f s = %.2f %% of a 60 s trial",
                        cycleOverheadPerTrialS, 100 * cycleOverheadPerTrialS / 60),
                "");
        System.out.println("\n== scheduling benchmark ==\n" + report);
        Path out = Path.of("target", "scheduling-benchmark.txt");
        Files.writeString(out, report);
        assertThat(wallS).isGreaterThan(idealS);
    }

    // ---- measurements

    private record Row(String id, String worker, long requestedMs, long claimedMs, long recordedMs, double trainSeconds,
                       Double score, int attempts) {
    }

    private static long recorded() throws Exception {
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery(
                "select count(*) from trial where campaign_id = '" + CAMPAIGN + "' and recorded_at is not null")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every trial of the campaign with its first attempt's claim, in Postgres's own clock. */
    private static Map<String, Row> rows() throws Exception {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery("""
                select t.id, a.worker, t.run_requested_at, a.claimed_at, t.recorded_at, t.train_seconds, t.score,
                       (select count(*) from trial_attempt x where x.trial_id = t.id)
                from trial t join trial_attempt a on a.trial_id = t.id and a.attempt = 1
                where t.campaign_id = '%s' order by a.claimed_at""".formatted(CAMPAIGN))) {
            while (rs.next()) {
                rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3).getTime(),
                        rs.getTimestamp(4).getTime(), rs.getTimestamp(5).getTime(), rs.getDouble(6),
                        (Double) rs.getObject(7), rs.getInt(8)));
            }
        }
        return rows;
    }

    /**
     * When each trial's worker stamped its event of {@code type}, by trial id: EVALUATING right after the
     * process exited, FINISHED right before it is sent.
     */
    private static Map<String, Long> eventTimes(java.util.Set<String> trials, TrialEvent.Type type) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.endpoints().kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sched-bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, Long> times = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.TRIAL_EVENTS));
            long deadline = System.currentTimeMillis() + 120_000;
            while (times.size() < trials.size() && System.currentTimeMillis() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(1000))) {
                    TrialEvent e = Json.read(record.value(), TrialEvent.class);
                    if (e.type() == type && trials.contains(e.trialId())) {
                        times.put(e.trialId(), e.atMs());
                    }
                }
            }
        }
        return times;
    }

    private static String stats(String what, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%s: p50 %.0f ms, p95 %.0f ms, max %.0f ms, mean %.0f ms", what,
                percentile(sorted, 0.50), percentile(sorted, 0.95), sorted[sorted.length - 1],
                Arrays.stream(sorted).average().orElse(0));
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double[] multiply(double[] values, double factor) {
        return Arrays.stream(values).map(v -> v * factor).toArray();
    }

    private static int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(services.endpoints().jdbcUrl(), services.endpoints().dbUser(),
                services.endpoints().dbPassword());
    }

}
