package dev.looplab.launcher;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.events.Topics;
import dev.looplab.infra.LocalPorts;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialInfo;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton end to end: real Kafka, PostgreSQL and S3, the packaged platform, worker and
 * proposer as processes, a campaign of real golf-mini trials with a short budget.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LooplabUpIT {
    private static final String CAMPAIGN = "e2e";
    private static final String TASK = "golf-mini";
    private static Stack stack;
    private static Path home;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN_SECRET = dev.looplab.access.PlatformToken.newSecret();

    private static String badDiffProposal;
    private static String duplicateProposal;
    private static String unknownParentProposal;
    private static String emptyHypothesisProposal;

    @BeforeAll
    static void startLooplab() throws Exception {
        home = Files.createTempDirectory("looplab-e2e");
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        // the admin token looplab up would create, known to the test; the worker and proposer get the secret itself
        // in their environment (LOOPLAB_TOKEN), the hardest case for keeping it out of every record
        dev.looplab.access.PlatformToken.write(PlatformAccess.adminTokenFile(home), ADMIN_SECRET);
        // the commands this test runs in its own JVM (looplab replay) send it, as the same machine's CLI would
        PlatformAccess.useToken(Optional.of(dev.looplab.access.PlatformToken.fromFile(PlatformAccess.adminTokenFile(home))));
        // one noise run: the baseline twice gives the campaign its noise floor at the least cost
        stack = Stack.start(new Stack.Settings(root, home, LocalPorts.free(), CAMPAIGN, TASK, 30, true,
                Map.of("LOOPLAB_NOISE_RUNS", "1", "LOOPLAB_TOKEN", ADMIN_SECRET)));
    }

    @AfterAll
    static void stopLooplab() {
        // the ITs after this one share the JVM: their commands read their own environment again
        PlatformAccess.useToken(null);
        if (stack != null) {
            List<Long> pids = stack.appPids();
            stack.close();
            assertThat(pids).allSatisfy(pid ->
                    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        }
    }

    @Test
    @Order(1)
    void givenARunningCampaign_whenProposalsArriveByKafka_thenBadOnesAreRefusedAndDuplicatesCollapse() throws Exception {
        String root = campaign().get("rootTrialId").toString();
        String recipe = get("/api/trials/" + root + "/files/Recipe.java").body();
        String goodDiff = LineageStore.unifiedDiff("Recipe.java", recipe, withLearningRate(recipe, "9e-3f"));
        String knobLine = "    static final float LR = %s; // @knob surface=optimizer range=[1e-4,3e-2]\n";
        String badDiff = LineageStore.unifiedDiff("Recipe.java", knobLine.formatted("9e-9f"), knobLine.formatted("8e-9f"));

        badDiffProposal = UUID.randomUUID().toString();
        duplicateProposal = UUID.randomUUID().toString();
        unknownParentProposal = UUID.randomUUID().toString();
        emptyHypothesisProposal = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = producer()) {
            send(producer, proposal(badDiffProposal, root, "Context lines that do not exist must be refused.", badDiff));
            Proposal dup = proposal(duplicateProposal, root, "A proposal delivered twice must make one trial.", goodDiff);
            send(producer, dup);
            send(producer, dup);
            send(producer, proposal(unknownParentProposal, "no-such-trial-42", "Parent does not exist.", goodDiff));
            send(producer, proposal(emptyHypothesisProposal, root, "  ", goodDiff));
        }

        await().atMost(Duration.ofMinutes(2)).until(() -> get("/api/proposals/" + emptyHypothesisProposal).statusCode() == 200);

        Map<String, Object> bad = json(get("/api/proposals/" + badDiffProposal).body());
        assertThat(bad.get("status")).isEqualTo("preflight_reject");
        assertThat(bad.get("reason").toString()).contains("Recipe.java");
        Map<String, Object> unknown = json(get("/api/proposals/" + unknownParentProposal).body());
        assertThat(unknown.get("status")).isEqualTo("rejected");
        assertThat(unknown.get("reason").toString()).contains("no-such-trial-42");
        Map<String, Object> empty = json(get("/api/proposals/" + emptyHypothesisProposal).body());
        assertThat(empty.get("reason").toString()).contains("hypothesis");

        try (Connection db = db()) {
            assertThat(count(db, "select count(*) from trial where proposal_id = '" + duplicateProposal + "'")).isEqualTo(1);
            assertThat(count(db, "select count(*) from trial where proposal_id in ('" + unknownParentProposal
                    + "','" + emptyHypothesisProposal + "')")).isZero();
            try (ResultSet rs = db.createStatement().executeQuery(
                    "select id, commit_id, reason from trial where proposal_id = '" + badDiffProposal + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("commit_id")).isNull();
                assertThat(rs.getString("reason")).isNotBlank();
                try (LineageStore lineage = LineageStore.open(lineagePath())) {
                    assertThat(lineage.readTrial(rs.getString("id"))).isEmpty();
                }
            }
        }
    }

    @Test
    @Order(2)
    void givenTheProposerRunning_whenTrialsComplete_thenEachIsACommitANoteARowAndAnArtifact() throws Exception {
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            assertThat(stack.deadApp()).isEmpty();
            try (Connection db = db()) {
                return count(db, "select count(*) from trial where campaign_id = '" + CAMPAIGN
                        + "' and kind = 'proposal' and specialist <> 'e2e-test' and score is not null") >= 3;
            }
        });

        List<String> recorded = new ArrayList<>();
        try (Connection db = db(); LineageStore lineage = LineageStore.open(lineagePath())) {
            try (ResultSet rs = db.createStatement().executeQuery("select id, parent_trial_id, specialist, status, score,"
                    + " evaluator, commit_id from trial where campaign_id = '" + CAMPAIGN + "' and score is not null"
                    + " and kind in ('root', 'proposal')"
                    + " order by created_at")) {
                while (rs.next()) {
                    String id = rs.getString("id");
                    recorded.add(id);
                    assertThat(rs.getString("evaluator")).as("trial %s evaluator", id).isNotBlank();
                    assertThat(rs.getDouble("score")).as("val bpb of trial %s", id).isBetween(0.5, 8.0);
                    assertThat(rs.getString("status")).isIn("keep", "discard");

                    TrialInfo info = lineage.readTrial(id).orElseThrow();
                    assertThat(info.commitId()).isEqualTo(rs.getString("commit_id"));
                    assertThat(info.trailers()).containsEntry("Looplab-Trial", id);
                    String parent = rs.getString("parent_trial_id");
                    if (parent != null) {
                        assertThat(info.trailers()).containsEntry("Looplab-Parent", parent);
                        TrialInfo parentInfo = lineage.readTrial(parent).orElseThrow();
                        assertThat(git("rev-parse", "trial/" + id + "^").strip()).isEqualTo(parentInfo.commitId());
                        assertThat(info.trailers()).containsEntry("Looplab-Specialist", rs.getString("specialist"));
                    }
                    assertThat(lineage.outcomeNote(id)).as("note of trial %s", id).hasValueSatisfying(note ->
                            assertThat(note).contains("Outcome of trial " + id).contains("```json"));
                }
            }
            assertThat(lineage.bestTrial(CAMPAIGN)).isPresent();

            MinioClient s3 = MinioClient.builder().endpoint(stack.services().endpoints().s3Endpoint())
                    .credentials(stack.services().endpoints().s3AccessKey(), stack.services().endpoints().s3SecretKey()).build();
            try (ResultSet rs = db.createStatement().executeQuery("select a.trial_id, a.name, a.object_key, a.size_bytes,"
                    + " a.sha256 from artifact a join trial t on t.id = a.trial_id where t.campaign_id = '" + CAMPAIGN
                    + "' and a.name = 'model.bin'")) {
                int artifacts = 0;
                while (rs.next()) {
                    artifacts++;
                    String key = rs.getString("object_key");
                    var stat = s3.statObject(StatObjectArgs.builder().bucket(stack.services().endpoints().bucket()).object(key).build());
                    assertThat(stat.size()).isEqualTo(rs.getLong("size_bytes"));
                    try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(stack.services().endpoints().bucket())
                            .object(key).build())) {
                        assertThat(sha256(in.readAllBytes())).isEqualTo(rs.getString("sha256"));
                    }
                }
                assertThat(artifacts).isGreaterThanOrEqualTo(recorded.size());
            }
        }

        String log = git("log", "--notes=outcomes", "trial/" + recorded.get(recorded.size() - 1));
        assertThat(log).contains("Looplab-Trial: " + recorded.get(recorded.size() - 1)).contains("Outcome of trial");

        // the lineage the workers fetched from: cloned over HTTP, a trial checks out to exactly its recorded files
        String last = recorded.get(recorded.size() - 1);
        Path clone = Files.createTempDirectory("lineage-clone").resolve("golf-mini");
        run(List.of("git", "clone", "-q", stack.platformUrl() + "/git/" + TASK + ".git", clone.toString()));
        run(List.of("git", "-C", clone.toString(), "checkout", "-q", "origin/trial/" + last));
        try (LineageStore lineage = LineageStore.open(lineagePath())) {
            assertThat(Files.readString(clone.resolve("Recipe.java"))).isEqualTo(lineage.readFile(last, "Recipe.java"));
        }
    }

    @Test
    @Order(3)
    void givenRecordedTrials_whenABrowserOpensEachView_thenEachRendersFiltersOpensTrialsAndUpdatesLive() throws Exception {
        String root = campaign().get("rootTrialId").toString();
        String scored = null;
        String knobLine = null;
        for (String id : scoredProposals()) {
            knobLine = get("/api/trials/" + id + "/diff").body().lines()
                    .filter(l -> l.startsWith("+") && !l.startsWith("+++") && l.contains("@knob")).findFirst()
                    .map(l -> l.substring(1).strip()).orElse(null);
            if (knobLine != null) {
                scored = id;
                break;
            }
        }
        assertThat(scored).as("a scored proposal that changed a knob line").isNotNull();
        String trial = scored;
        String knobAssignment = knobLine.substring(0, knobLine.indexOf(';') > 0 ? knobLine.indexOf(';') : knobLine.length());
        try (TrialBrowser browser = new TrialBrowser(stack.platformUrl())) {
            // campaigns: every campaign with its best and a best-so-far sparkline
            browser.open("/#/");
            browser.await("tr[data-campaign='" + CAMPAIGN + "'] svg.sparkline");
            browser.screenshot("campaigns");

            // campaign: the best-so-far chart, the specialists and the statuses
            browser.open("/#/campaign/" + CAMPAIGN);
            browser.await("#best-so-far .uplot canvas");
            browser.await("#specialist-table tbody tr");
            browser.await("#status-table");
            browser.screenshot("campaign");

            // trials: newest first; a filter narrows the rows and lives in the URL (the old address still works)
            browser.open("/?campaign=" + CAMPAIGN);
            browser.await("#trials tr[data-trial='" + root + "']");
            List<Long> ids = browser.all("#trials tbody tr").stream()
                    .map(row -> Long.parseLong(row.getDomAttribute("data-trial"))).toList();
            assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(browser.hash()).isEqualTo("#/campaign/" + CAMPAIGN + "/trials");
            browser.screenshot("trials");
            new Select(browser.await("#filter-status")).selectByValue("preflight_reject");
            browser.until(d -> browser.hash().contains("status=preflight_reject"));
            browser.until(d -> browser.all("#trials tbody tr").size() < ids.size()
                    && browser.all("#trials tbody tr").stream().allMatch(r -> r.getText().contains("preflight reject")));
            assertThat(browser.all("#trials tbody tr")).isNotEmpty();
            browser.screenshot("trials-filtered");

            // live: a new proposal shows up in the open table without a reload (server-sent events)
            browser.open("/#/campaign/" + CAMPAIGN + "/trials");
            browser.await("#trials tr[data-trial='" + root + "']");
            browser.until(d -> browser.all("#live.on").size() == 1);
            String recipe = get("/api/trials/" + root + "/files/Recipe.java").body();
            try (KafkaProducer<String, String> producer = producer()) {
                send(producer, proposal(UUID.randomUUID().toString(), root, "Shown live in the browser without a reload.",
                        LineageStore.unifiedDiff("Recipe.java", recipe, withLearningRate(recipe, "1.1e-2f"))));
            }
            browser.awaitText("#trials tbody", "Shown live in the browser without a reload.");

            // lineage tree: coloured, the chain to the best drawn; clicking a trial opens it
            browser.open("/#/campaign/" + CAMPAIGN + "/tree");
            browser.until(d -> browser.all("#tree-canvas[data-drawn]").size() == 1);
            browser.screenshot("tree");
            browser.clickTreeNode(trial);
            browser.until(d -> browser.hash().startsWith("#/trial/" + trial));

            // trial: hypothesis, feedback, keep rule, and the diff shows the changed knob line, highlighted
            browser.await("#view-trial[data-trial='" + trial + "']");
            browser.until(d -> browser.all("#diff .d2h-ins").stream()
                    .anyMatch(e -> e.getText().replaceAll("\\s+", " ").contains(knobAssignment.replaceAll("\\s+", " "))));
            assertThat(browser.all("#diff .hljs-keyword, #diff .hljs-type")).as("syntax highlighted").isNotEmpty();
            browser.awaitText("#feedback", "Verdict");
            browser.await("#git-commands");
            browser.screenshot("trial");
            browser.await("#layout-side").click();
            browser.await("#diff .d2h-file-side-diff");
            browser.screenshot("trial-side-by-side");

            // compare: knob values side by side, the differing knob marked
            browser.open("/#/compare?ids=" + root + "," + trial);
            browser.await("#knob-table tr.differs");
            browser.screenshot("compare");

            // keyboard: j moves to the next row, Enter opens it
            browser.open("/#/campaign/" + CAMPAIGN + "/trials");
            browser.await("#trials tbody tr.selected");
            new Actions(browser.driver()).sendKeys("j").sendKeys(Keys.ENTER).perform();
            browser.until(d -> browser.hash().startsWith("#/trial/"));
        }
    }

    @Test
    @Order(5)
    void givenATrialPage_whenReplayIsClicked_thenAReplayIsQueuedAndListed() throws Exception {
        String scored = scoredProposals().get(0);
        try (TrialBrowser browser = new TrialBrowser(stack.platformUrl()); Connection db = db()) {
            long before = count(db, "select count(*) from replay where original_trial_id = '" + scored + "'");
            browser.open("/#/trial/" + scored);
            // without a token this machine's browser only reads: the replay is refused and says how to sign in
            browser.awaitText("#caller", "viewer");
            browser.await("#replay-button").click();
            browser.awaitText(".replay .note", "Sign in");
            assertThat(count(db, "select count(*) from replay where original_trial_id = '" + scored + "'"))
                    .isEqualTo(before);
            // signed in with looplab up's admin token, the same click queues a replay
            browser.await("#sign-in").click();
            browser.await("#token-input").sendKeys(ADMIN_SECRET);
            browser.await("#sign-in-submit").click();
            browser.awaitText("#caller-role", "admin");
            browser.await("#replay-button").click();
            browser.awaitText(".replay .note", "queued as trial");
            browser.until(d -> browser.all("#replay-table tr[data-replay]").size() == before + 1);
            assertThat(count(db, "select count(*) from replay where original_trial_id = '" + scored + "'"))
                    .isEqualTo(before + 1);
            browser.screenshot("trial-replays");
        }
    }

    /** Scored trials of the proposer's specialists (each edits knob lines), newest first. */
    private static List<String> scoredProposals() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery("select id from trial where"
                + " campaign_id = '" + CAMPAIGN + "' and kind = 'proposal' and specialist <> 'e2e-test'"
                + " and score is not null and commit_id is not null order by recorded_at desc")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        assertThat(out).as("scored proposals").isNotEmpty();
        return out;
    }

    // ---- helpers

    /** The recipe with its LR knob set to {@code literal}: an edit on the optimizer surface. */
    private static String withLearningRate(String recipe, String literal) {
        String edited = recipe.replaceFirst("(static final float LR = )[^;]+;", "$1" + literal + ";");
        assertThat(edited).isNotEqualTo(recipe);
        return edited;
    }

    private static Proposal proposal(String id, String parent, String hypothesis, String diff) {
        return new Proposal(Proposal.SCHEMA, id, CAMPAIGN, TASK, "e2e-test", "optimizer", parent, hypothesis,
                -0.01, diff, System.currentTimeMillis());
    }

    @Test
    @Order(4)
    void givenAScoredTrial_whenReplayedFromTheCommandLine_thenItIsIdenticalBitForBit() throws Exception {
        String original;
        String rootCommit;
        try (Connection db = db()) {
            try (ResultSet rs = db.createStatement().executeQuery("select id from trial where campaign_id = '" + CAMPAIGN
                    + "' and kind = 'proposal' and status in ('keep', 'discard') order by recorded_at desc limit 1")) {
                assertThat(rs.next()).isTrue();
                original = rs.getString(1);
            }
            try (ResultSet rs = db.createStatement().executeQuery("select t.environment_json, r.commit_id from trial t"
                    + " join trial r on r.id = t.parent_trial_id where t.campaign_id = '" + CAMPAIGN
                    + "' and t.kind = 'noise' and t.score is not null")) {
                assertThat(rs.next()).as("a scored noise-floor run").isTrue();
                assertThat(rs.getString(1)).contains("\"planned_steps\"").contains("\"cpu\"");
                rootCommit = rs.getString(2);
            }
        }
        // the noise-floor run is a paragraph on the root's commit under refs/notes/replays
        assertThat(git("log", "-1", "--notes=replays", rootCommit)).contains("Noise-floor run");

        // when: `looplab replay <trial>` runs the trial's commit again with its recorded seed and steps
        int exit = ReplayCommand.run(new String[] {"replay", original, "--timeout", "900"}, stack.platformUrl());

        // then: the replay is its own trial on the same commit with the recorded seed and step count, its score is
        // the original's bit for bit (same machine, same threads), the command exits 0 and the note says it
        String verdict;
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery("select r.verdict, r.detail,"
                + " t.commit_id, t.seed, t.requested_steps, o.commit_id as original_commit, o.seed as original_seed"
                + " from replay r join trial t on t.id = r.trial_id join trial o on o.id = r.original_trial_id"
                + " where r.original_trial_id = '" + original + "'")) {
            assertThat(rs.next()).isTrue();
            verdict = rs.getString("verdict");
            System.out.println("replay of trial " + original + ": " + verdict + " (" + rs.getString("detail") + ")");
            if (!"identical".equals(verdict)) {
                printReplayEvidence(db, original);
            }
            assertThat(verdict).as("replay verdict (evidence printed above)").isEqualTo("identical");
            assertThat(rs.getString("commit_id")).isEqualTo(rs.getString("original_commit"));
            assertThat(rs.getLong("seed")).isEqualTo(rs.getLong("original_seed"));
            assertThat(rs.getInt("requested_steps")).as("steps the original planned").isPositive();
        }
        assertThat(exit).isZero();
        String commit = git("rev-parse", "trial/" + original).strip();
        assertThat(git("log", "-1", "--notes=replays", commit)).contains("of trial " + original + ": " + verdict);
    }

    /** What a non-identical replay left behind, for the build log: both trials' status, feedback and fingerprint. */
    private static void printReplayEvidence(Connection db, String original) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery("select id, kind, status, score, feedback, environment_json"
                + " from trial where id = '" + original + "' or replay_of = '" + original + "' order by id")) {
            while (rs.next()) {
                System.out.println("  " + rs.getString("kind") + " " + rs.getString("id") + ": " + rs.getString("status")
                        + ", score " + rs.getString("score") + "\n    feedback: " + rs.getString("feedback")
                        + "\n    environment: " + rs.getString("environment_json"));
            }
        }
    }

    private static void send(KafkaProducer<String, String> producer, Proposal p) throws Exception {
        producer.send(new ProducerRecord<>(Topics.PROPOSALS, p.campaign(), Json.write(p))).get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(6)
    void givenTrialsRunWithATokenInTheAppsEnvironment_thenNoLogNoteFingerprintOrRowHoldsIt_andTheCliUsesTheHomeToken()
            throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int exit = TokenCommand.run(List.of("list"), Map.of("LOOPLAB_HOME", home.toString(),
                "LOOPLAB_PLATFORM_URL", stack.platformUrl()), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("local-admin").doesNotContain(ADMIN_SECRET);
        assertThat(Files.getPosixFilePermissions(PlatformAccess.adminTokenFile(home)))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        List<String> holders = new ArrayList<>();
        try (var files = Files.walk(home.resolve("logs"))) {
            for (Path log : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(ADMIN_SECRET)) {
                    holders.add(log.toString());
                }
            }
        }
        if (git("log", "--all", "--notes=outcomes", "--format=%B%n%N").contains(ADMIN_SECRET)) {
            holders.add("the lineage's commits and notes");
        }
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery(
                "select id, coalesce(environment_json, '') || coalesce(feedback, '') || coalesce(metrics_json, '')"
                        + " || coalesce(reason, '') from trial")) {
            int trials = 0;
            while (rs.next()) {
                trials++;
                if (rs.getString(2).contains(ADMIN_SECRET)) {
                    holders.add("trial " + rs.getString(1) + "'s fingerprint, feedback or metrics");
                }
            }
            assertThat(trials).isPositive();
        }
        assertThat(holders).as("records holding the token's secret").isEmpty();
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.services().endpoints().kafkaBootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static Map<String, Object> campaign() throws Exception {
        return json(get("/api/campaigns/" + CAMPAIGN).body());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.platformUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String body) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(body, Map.class);
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(stack.services().endpoints().jdbcUrl(), stack.services().endpoints().dbUser(),
                stack.services().endpoints().dbPassword());
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Path lineagePath() {
        return home.resolve("lineage").resolve(TASK + ".git");
    }

    private static String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir", lineagePath().toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process git = builder.start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

}
