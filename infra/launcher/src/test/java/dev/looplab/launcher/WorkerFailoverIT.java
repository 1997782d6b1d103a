package dev.looplab.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.access.PlatformToken;
import dev.looplab.events.Json;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Proposal;
import dev.looplab.events.Topics;
import dev.looplab.events.TrialEvent;
import dev.looplab.infra.LocalPorts;
import dev.looplab.infra.LooplabServices;
import dev.looplab.lineage.LineageStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases end to end: real Kafka, PostgreSQL and S3, the packaged platform and worker processes, and a
 * cheap golf-mini stand-in whose "training" sleeps (no CPU). A worker killed with SIGKILL mid-trial
 * loses the trial to another worker, which records it exactly once; a worker stopped with SIGTERM hands
 * its trial back; two workers share a queue without running any trial twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerFailoverIT {
    private static final String CAMPAIGN = "failover";
    private static final String TASK = NapTask.TASK;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LooplabServices services;
    private static Path home;
    private static Path adminToken;
    private static Path root;
    private static int port;
    private static App platform;
    private static final Map<String, App> workers = new LinkedHashMap<>();

    @BeforeAll
    static void startPlatformAndTwoWorkers() throws Exception {
        root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        home = Files.createTempDirectory("looplab-failover");
        Path recipes = NapTask.write(home.resolve("recipes"));
        services = LooplabServices.forTests();
        port = LocalPorts.free();
        Map<String, String> env = new HashMap<>(services.endpoints().asEnvironment());
        env.put("LOOPLAB_S3_BUCKET", services.endpoints().bucket());
        env.put("LOOPLAB_RECIPES_DIR", recipes.toString());
        env.put("LOOPLAB_PLATFORM_URL", "http://localhost:" + port);
        env.put("LOOPLAB_LINEAGE_URL", "http://localhost:" + port + "/git");
        env.put("LOOPLAB_CAMPAIGN", CAMPAIGN);
        env.put("LOOPLAB_TASK", TASK);
        env.put("LOOPLAB_TRAIN_BUDGET_S", "30");
        // only the root trial is queued at start: the first test expects it to be the one in training
        env.put("LOOPLAB_NOISE_RUNS", "0");
        // short leases and Kafka sessions, so failover takes seconds instead of a minute
        env.put("LOOPLAB_LEASES_TTL", "3s");
        env.put("LOOPLAB_LEASES_CHECK_INTERVAL", "500ms");
        env.put("LOOPLAB_KAFKA_SESSION_TIMEOUT_MS", "6000");
        // as under looplab up: the platform registers this secret as its admin token, the apps call it with the file
        adminToken = PlatformAccess.ensureAdminToken(home);
        env.put("LOOPLAB_TOKEN_FILE", adminToken.toString());
        Map<String, String> platformEnv = new HashMap<>(env);
        platformEnv.put("LOOPLAB_ADMIN_TOKEN_FILE", adminToken.toString());
        platformEnv.put("LOOPLAB_HOME", home.resolve("platform").toString());
        platformEnv.put("LOOPLAB_PORT", Integer.toString(port));
        platform = App.start("platform", jar("platform/app"), platformEnv, home.resolve("logs"), jvm(), port);
        await().atMost(Duration.ofMinutes(3)).until(() -> {
            assertThat(platform.isAlive()).as("platform alive; see %s", platform.log()).isTrue();
            return status("/api/campaigns/" + CAMPAIGN) == 200;
        });
        workerEnvironment = env;
        startWorker("worker-1");
        startWorker("worker-2");
    }

    private static Map<String, String> workerEnvironment;

    @AfterAll
    static void stopEverything() {
        workers.values().forEach(App::close);
        if (platform != null) {
            platform.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    @Order(1)
    void givenAWorkerKilledMidTrial_thenAnotherWorkerRerunsItAndItIsRecordedExactlyOnce() throws Exception {
        String rootTrial = campaign().get("rootTrialId").toString();
        // the root trial is queued at start: wait until one worker is inside its "training"
        String victim = await().atMost(Duration.ofMinutes(2)).until(() -> workers.entrySet().stream()
                .filter(w -> isTraining(w.getValue())).map(Map.Entry::getKey).findFirst().orElse(null),
                name -> name != null);
        // the worker trains before the platform has recorded its claim: wait for the record, not the training
        await().atMost(Duration.ofSeconds(30)).until(() -> victim.equals(trial(rootTrial).get("worker")));

        kill(workers.get(victim));

        Map<String, Object> recorded = await().atMost(Duration.ofMinutes(2))
                .until(() -> trial(rootTrial), t -> t.get("recordedAt") != null);
        String survivor = workers.keySet().stream().filter(w -> !w.equals(victim)).findFirst().orElseThrow();
        assertThat(recorded.get("worker")).isEqualTo(survivor);
        assertThat(recorded.get("attempt")).isEqualTo(2);
        assertThat(recorded.get("status")).as("the stand-in writes no model: the evaluator calls it a crash")
                .isEqualTo("crash");
        assertThat(attempts(rootTrial)).containsExactly("1 lost " + victim, "2 finished " + survivor);
        assertThat(finishedEvents(rootTrial)).containsExactly(survivor + " attempt 2");
        assertThat(outcomes(rootTrial)).hasSize(1);
        try (Connection db = db()) {
            assertThat(count(db, "select count(*) from trial where id = '" + rootTrial + "' and recorded_at is not null"))
                    .isEqualTo(1);
        }
        assertThat(LineageStore.open(home.resolve("platform/lineage/" + TASK + ".git")).outcomeNote(rootTrial))
                .hasValueSatisfying(note -> assertThat(note).contains("\"attempt\": 2").contains(survivor));
        workers.remove(victim);
        startWorker("worker-3");
    }

    @Test
    @Order(2)
    void givenTwoWorkersAndAQueueOfTrials_thenEachTrialRunsOnceOnOneWorker() throws Exception {
        String rootTrial = campaign().get("rootTrialId").toString();
        List<String> queued = new ArrayList<>();
        for (int nap = 2; nap <= 7; nap++) {
            queued.add(propose(rootTrial, nap));
        }

        await().atMost(Duration.ofMinutes(3)).until(() -> queued.stream().allMatch(t -> trial(t).get("recordedAt") != null));
        for (String t : queued) {
            assertThat(attempts(t)).as("attempts of trial %s", t).hasSize(1).first().asString().startsWith("1 finished ");
            assertThat(finishedEvents(t)).as("FINISHED events of trial %s", t).hasSize(1);
            assertThat(startedEvents(t)).as("STARTED events of trial %s", t).hasSize(1);
            assertThat(outcomes(t)).hasSize(1);
        }
        System.out.println("trials per worker: " + queued.stream().map(t -> trial(t).get("worker")).toList());
    }

    @Test
    @Order(3)
    void givenAWorkerStoppedMidTrial_thenItHandsTheTrialBackAndAnotherWorkerRunsItAtOnce() throws Exception {
        String rootTrial = campaign().get("rootTrialId").toString();
        String trial = propose(rootTrial, 20);
        String stopping = await().atMost(Duration.ofMinutes(2)).until(() -> workers.entrySet().stream()
                .filter(w -> isTraining(w.getValue())).map(Map.Entry::getKey).findFirst().orElse(null),
                name -> name != null);

        workers.remove(stopping).close();

        await().atMost(Duration.ofMinutes(2)).until(() -> trial(trial).get("recordedAt") != null);
        List<String> attempts = attempts(trial);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0)).isEqualTo("1 handed_back " + stopping);
        assertThat(attempts.get(1)).startsWith("2 finished ").doesNotEndWith(stopping);
        assertThat(outcomes(trial)).hasSize(1);
    }

    // ---- helpers

    private static String propose(String parent, int napSeconds) throws Exception {
        Proposal p = new Proposal(Proposal.SCHEMA, UUID.randomUUID().toString(), CAMPAIGN, TASK, "test-specialist",
                "schedule", parent, "Nap " + napSeconds + " s.", 0.0, NapTask.diff(napSeconds), System.currentTimeMillis());
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/api/proposals")))
                .header("Authorization", PlatformToken.fromFile(adminToken).bearer())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(p)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readValue(response.body(), Map.class).get("trialId").toString();
    }

    /** True while the worker's "training" (the nap) runs. */
    private static boolean isTraining(App worker) {
        return ProcessHandle.of(worker.pid()).stream().flatMap(ProcessHandle::descendants)
                .anyMatch(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false));
    }

    /** SIGKILL to the worker and its children, as when its machine dies: nothing is handed back. */
    private static void kill(App worker) {
        ProcessHandle process = ProcessHandle.of(worker.pid()).orElseThrow();
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        process.onExit().join();
    }

    private static void startWorker(String name) {
        Map<String, String> env = new HashMap<>(workerEnvironment);
        env.put("LOOPLAB_HOME", home.resolve(name).toString());
        env.put("LOOPLAB_WORKER_ID", name);
        // each worker on an HTTP port of its own (health and metrics)
        workers.put(name, App.start(name, jar("worker"), env, home.resolve("logs"), jvm(), LocalPorts.free()));
    }

    private static List<String> jvm() {
        return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m");
    }

    private static Path jar(String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** "attempt ending worker" for each attempt of the trial, in order. */
    private static List<String> attempts(String trial) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery(
                "select attempt, ending, worker from trial_attempt where trial_id = '" + trial + "' order by attempt")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return rows;
    }

    private static List<String> finishedEvents(String trial) {
        return events(trial, TrialEvent.Type.FINISHED);
    }

    private static List<String> startedEvents(String trial) {
        return events(trial, TrialEvent.Type.STARTED);
    }

    private static List<String> events(String trial, TrialEvent.Type type) {
        return read(Topics.TRIAL_EVENTS).stream().map(r -> Json.read(r.value(), TrialEvent.class))
                .filter(e -> e.trialId().equals(trial) && e.type() == type)
                .map(e -> e.worker() + " attempt " + e.attempt()).toList();
    }

    private static List<OutcomeRecorded> outcomes(String trial) {
        return read(Topics.OUTCOMES).stream().map(r -> Json.read(r.value(), OutcomeRecorded.class))
                .filter(o -> trial.equals(o.trialId())).toList();
    }

    /** Every record on the topic so far, read by a consumer of its own until a poll comes back empty. */
    private static List<ConsumerRecord<String, String>> read(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.endpoints().kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "failover-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            int empty = 0;
            while (empty < 3) {
                var batch = consumer.poll(Duration.ofMillis(1000));
                batch.forEach(records::add);
                empty = batch.isEmpty() && !consumer.assignment().isEmpty() ? empty + 1 : 0;
            }
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> trial(String id) {
        try {
            return JSON.readValue(get("/api/trials/" + id).body(), Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> campaign() throws Exception {
        return JSON.readValue(get("/api/campaigns/" + CAMPAIGN).body(), Map.class);
    }

    private static int status(String path) {
        try {
            return get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(services.endpoints().jdbcUrl(), services.endpoints().dbUser(),
                services.endpoints().dbPassword());
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
