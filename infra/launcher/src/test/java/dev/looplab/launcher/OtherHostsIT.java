package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.access.PlatformToken;
import dev.looplab.events.Topics;
import dev.looplab.infra.LocalPorts;
import dev.looplab.infra.LooplabServices;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Looplab spread over hosts, on one machine: Kafka, PostgreSQL and S3 run as processes of their own (a Kafka and an
 * S3Proxy JVM and a postgres server, started by the test, not by the launcher); the platform is given their URLs;
 * three workers, each with its own home, and the proposer are given nothing but the platform's URL and a token made
 * with {@code looplab token create}, and ask the platform for Kafka and S3 ({@code /api/join/...}). A short campaign
 * on the nap stand-in of golf-mini completes: every trial recorded with a score, the work spread over the workers,
 * nothing dead-lettered.
 */
class OtherHostsIT {
    private static final String CAMPAIGN = "other-hosts";
    private static final int MAX_TRIALS = 4;
    private static final int NOISE_RUNS = 2;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LooplabServices services;
    private static Path home;
    private static int port;
    private static String adminSecret;
    private static String workerToken;
    private static App platform;
    private static final Map<String, App> apps = new LinkedHashMap<>();

    @BeforeAll
    static void startServicesThenPlatformThenWorkersAndProposer() throws Exception {
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        home = Files.createTempDirectory("looplab-other-hosts");
        Path recipes = NapTask.writeForProposer(home.resolve("recipes"));
        services = LooplabServices.forTests();
        port = LocalPorts.free();

        // the platform's host: the services by URL, its admin token from a file, no anonymous local role
        Path adminToken = PlatformAccess.ensureAdminToken(home.resolve("platform-secrets"));
        adminSecret = PlatformToken.fromFile(adminToken).secret();
        Map<String, String> platformEnv = new HashMap<>(services.endpoints().asEnvironment());
        platformEnv.put("LOOPLAB_S3_BUCKET", services.endpoints().bucket());
        platformEnv.put("LOOPLAB_HOME", home.resolve("platform").toString());
        platformEnv.put("LOOPLAB_PORT", Integer.toString(port));
        platformEnv.put("LOOPLAB_ADMIN_TOKEN_FILE", adminToken.toString());
        platformEnv.put("LOOPLAB_LOCAL_ROLE", "none");
        platformEnv.put("LOOPLAB_RECIPES_DIR", recipes.toString());
        platformEnv.put("LOOPLAB_LINEAGE_URL", url("/git"));
        platformEnv.put("LOOPLAB_CAMPAIGN", CAMPAIGN);
        platformEnv.put("LOOPLAB_TASK", NapTask.TASK);
        platformEnv.put("LOOPLAB_NOISE_RUNS", Integer.toString(NOISE_RUNS));
        platformEnv.put("LOOPLAB_MAX_TRIALS", Integer.toString(MAX_TRIALS));
        platformEnv.put("LOOPLAB_CONFIRM_RUNS", "0");
        platform = App.start("platform", jar(root, "platform/app"), platformEnv, home.resolve("logs"), jvm(), port);
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            assertThat(platform.isAlive()).as("platform alive; see %s", platform.log()).isTrue();
            return status("/api/campaigns/" + CAMPAIGN) == 200;
        });

        // the operator makes a token per role with the CLI, as on the platform's host
        Map<String, String> cli = Map.of("LOOPLAB_PLATFORM_URL", url(""), "LOOPLAB_TOKEN_FILE", adminToken.toString());
        workerToken = createToken(cli, "worker", "gpu-hosts");
        String agentToken = createToken(cli, "agent", "proposer-host");

        for (int w = 1; w <= 3; w++) {
            String name = "worker-" + w;
            Map<String, String> env = joining(workerToken, name);
            env.put("LOOPLAB_WORKER_ID", name);
            // the task catalog the worker reads budgets and evaluators from (the image ships recipes/)
            env.put("LOOPLAB_RECIPES_DIR", recipes.toString());
            apps.put(name, App.start(name, jar(root, "worker"), env, home.resolve("logs"), jvm(), LocalPorts.free()));
        }
        Map<String, String> proposerEnv = joining(agentToken, "proposer");
        proposerEnv.put("LOOPLAB_PROPOSER_TICK", "1s");
        proposerEnv.put("LOOPLAB_PROPOSER_SEED", "7");
        apps.put("proposer", App.start("proposer", jar(root, "proposer-agents"), proposerEnv, home.resolve("logs"),
                jvm(), LocalPorts.free()));
    }

    @AfterAll
    static void stopEverything() {
        apps.values().forEach(App::close);
        if (platform != null) {
            platform.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void givenWorkersAndAProposerWithOnlyThePlatformUrlAndAToken_thenAShortCampaignCompletes() throws Exception {
        JsonNode campaign = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            apps.forEach((name, app) -> assertThat(app.isAlive()).as("%s alive; see %s", name, app.log()).isTrue());
            return JSON.readTree(get("/api/campaigns/" + CAMPAIGN).body());
        }, c -> "stopped".equals(c.path("state").asText()) && c.path("inFlight").asLong() == 0);

        assertThat(campaign.path("stopReason").asText()).startsWith("trial budget reached");
        List<JsonNode> trials = new ArrayList<>();
        JSON.readTree(get("/api/trials?campaign=" + CAMPAIGN + "&limit=200").body()).forEach(trials::add);
        List<JsonNode> recorded = trials.stream().filter(t -> t.hasNonNull("recordedAt")).toList();
        assertThat(recorded).as("the root, %d noise runs and %d proposals", NOISE_RUNS, MAX_TRIALS)
                .hasSizeGreaterThanOrEqualTo(1 + NOISE_RUNS + MAX_TRIALS);
        assertThat(recorded.stream().filter(t -> "proposal".equals(t.path("kind").asText())
                && t.path("score").isNumber())).as("proposals the real proposer made, scored")
                .hasSizeGreaterThanOrEqualTo(MAX_TRIALS);
        List<JsonNode> trained = recorded.stream().filter(t -> !"preflight_reject".equals(t.path("status").asText()))
                .toList();
        assertThat(trained).allSatisfy(t -> assertThat(t.path("score").isNumber())
                .as("trial %s (%s: %s) has a score", t.path("id").asText(), t.path("status").asText(),
                        t.path("reason").asText()).isTrue());
        Set<String> workers = new TreeSet<>();
        trained.forEach(t -> workers.add(t.path("worker").asText()));
        assertThat(workers).as("the workers that ran trials").hasSizeGreaterThan(1)
                .isSubsetOf("worker-1", "worker-2", "worker-3");
        assertThat(deadLetters()).as("records on %s", Topics.DEAD_LETTERS).isEmpty();

        // each app took Kafka and S3 from the platform, and no log holds a secret
        for (Map.Entry<String, App> app : apps.entrySet()) {
            String log = Files.readString(app.getValue().log());
            assertThat(log).as(app.getKey()).contains("from the platform at " + url(""));
            assertThat(log).as(app.getKey()).doesNotContain(services.endpoints().s3SecretKey())
                    .doesNotContain(workerToken).doesNotContain(adminSecret);
        }
        assertThat(Files.readString(platform.log())).doesNotContain(workerToken).doesNotContain(adminSecret);
    }

    /** What an app on another host is given: the platform's URL, its token and a home; the services are blanked. */
    private static Map<String, String> joining(String token, String name) {
        Map<String, String> env = new HashMap<>();
        // anything this JVM's environment would pass down is blanked, so the app can only ask the platform
        for (String service : List.of("LOOPLAB_KAFKA_BOOTSTRAP", "LOOPLAB_S3_ENDPOINT", "LOOPLAB_S3_ACCESS_KEY",
                "LOOPLAB_S3_SECRET_KEY", "LOOPLAB_S3_BUCKET", "LOOPLAB_DB_URL", "LOOPLAB_TOKEN_FILE")) {
            env.put(service, "");
        }
        env.put("LOOPLAB_PLATFORM_URL", url(""));
        env.put("LOOPLAB_TOKEN", token);
        env.put("LOOPLAB_HOME", home.resolve(name).toString());
        return env;
    }

    private static String createToken(Map<String, String> env, String role, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = TokenCommand.run(List.of("create", "--role", role, "--name", name), env,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        return lines.get(lines.size() - 1).strip();
    }

    /** Every record on the dead-letter topic so far, read until polls come back empty. */
    private static List<String> deadLetters() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.endpoints().kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "other-hosts-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            int empty = 0;
            while (empty < 3) {
                var batch = consumer.poll(Duration.ofMillis(1000));
                batch.forEach(r -> records.add(r.value()));
                empty = batch.isEmpty() && !consumer.assignment().isEmpty() ? empty + 1 : 0;
            }
        }
        return records;
    }

    private static List<String> jvm() {
        return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m");
    }

    private static Path jar(Path root, String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static int status(String path) {
        try {
            return get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + adminSecret)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String url(String path) {
        return "http://localhost:" + port + path;
    }
}
