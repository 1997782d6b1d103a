package dev.looplab.platform;

import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** {@code POST /api/imports}: an ARR blackboard becomes a served lineage, a campaign row and recorded trial rows. */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class ImportTest {
    static final String HEADER = String.join("\t", "exp_id", "timestamp", "specialist", "parent_exp", "baseline_exp",
            "domain", "hypothesis", "expected_delta", "status", "accuracy", "acc_std", "n_seeds", "train_s",
            "delta_vs_best", "total_s", "job_name", "snapshot_path", "notes");

    /** A folder of its own under the configured import root, per test. */
    Path tmp;
    @TempDir
    Path outsideRoot;
    @TestHTTPResource("/git/")
    URL gitBase;

    @org.junit.jupiter.api.BeforeEach
    void folderUnderTheImportRoot() throws IOException {
        Path root = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("looplab.imports.root",
                Path.class);
        tmp = Files.createTempDirectory(Files.createDirectories(root), "test-");
    }

    /** An Airbench blackboard: baseline, a keep, a discard without snapshot, a disqualified run, a bad row. */
    Path airbenchBlackboard(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("results.tsv"), String.join("\n", HEADER,
                row("a000", "2026-04-01 09:00:00", "baseline", "", "", "cifar", "Baseline airbench96", "", "baseline",
                        "0.9605", "0.0011", "10", "26.356", "", "40.1", "ab-0", "snapshots/a000_baseline", ""),
                row("a001", "2026-04-01 10:00:00", "opt", "a000", "a000", "cifar", "Nesterov with lr 11.5", "-0.3",
                        "keep", "0.9611", "0.0010", "10", "25.900", "-0.456", "39.0", "ab-1", "snapshots/a001_opt", ""),
                row("a002", "2026-04-01 10:30:00", "aug", "a001", "a000", "cifar", "Drop flip augmentation", "-0.5",
                        "discard", "0.9602", "0.0012", "10", "25.700", "", "38.8", "ab-2", "", "no gain"),
                row("a003", "2026-04-01 11:00:00", "arch", "a001", "a000", "cifar", "Narrower block 2", "-1.0",
                        "disqualified", "0.9571", "0.0015", "10", "24.800", "", "37.9", "ab-3", "",
                        "mean accuracy 0.9571 < 0.96"),
                "a004\tbroken row"), StandardCharsets.UTF_8);
        snapshot(dir, "a000_baseline", "LR = 11.0\n");
        snapshot(dir, "a001_opt", "LR = 11.5\nNESTEROV = True\n");
        return dir;
    }

    @Test
    void givenABlackboard_whenImported_thenTheReportTheRowsAndTheServedLineageAgree() throws Exception {
        Path source = airbenchBlackboard("airbench");

        JsonPath report = importing(Map.of("format", "arr", "path", source.toString(), "lineage", "arr-airbench",
                "campaign", "ab1")).then().statusCode(200).extract().jsonPath();

        assertThat(report.getList("trials.trialId")).containsExactly("ab1-a000", "ab1-a001", "ab1-a002", "ab1-a003");
        assertThat(report.getString("bestTrialId")).isEqualTo("ab1-a001");
        assertThat(report.getList("skipped.line", Integer.class)).containsExactly(6);
        given().get("/api/campaigns/ab1").then().statusCode(200)
                .body("task", org.hamcrest.Matchers.equalTo("arr-airbench"))
                .body("rootTrialId", org.hamcrest.Matchers.equalTo("ab1-a000"))
                .body("bestTrialId", org.hamcrest.Matchers.equalTo("ab1-a001"));
        List<Map<String, Object>> rows = given().get("/api/trials?campaign=ab1").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(rows).extracting(r -> r.get("id") + "=" + r.get("status")).containsExactlyInAnyOrder(
                "ab1-a000=keep", "ab1-a001=keep", "ab1-a002=discard", "ab1-a003=gate_miss");
        JsonPath disqualified = given().get("/api/trials/ab1-a003").then().statusCode(200).extract().jsonPath();
        assertThat(disqualified.getString("parentTrialId")).isEqualTo("ab1-a001");
        assertThat(disqualified.getString("reason")).isEqualTo("mean accuracy 0.9571 < 0.96");
        assertThat(disqualified.getString("metricsJson")).contains("\"source_status\":\"disqualified\"");
        // CIFAR's score is train_s (lower), valid only at accuracy >= 0.96: the disqualified run has none
        assertThat(disqualified.getString("score")).isNull();
        assertThat(disqualified.getString("metricsJson")).contains("\"train_s\":24.8");
        assertThat(report.getString("scoreName")).isEqualTo("train_s");
        assertThat(report.getString("direction")).isEqualTo("lower");
        assertThat(disqualified.getString("recordedAt")).startsWith("2026-04-01T11:00");
        given().get("/api/trials/ab1-a001/files/train.py").then().statusCode(200).body(containsString("NESTEROV = True"));

        Git refs = git("ls-remote", gitBase + "arr-airbench.git");
        assertThat(refs.exit()).as(refs.output()).isZero();
        assertThat(refs.output()).contains("refs/heads/best/ab1", "refs/heads/trial/ab1-a002", "refs/notes/outcomes");
    }

    @Test
    void givenAnImportedBlackboard_whenImportedAgain_thenTheSameTrialsAndNoNewRows() throws Exception {
        Path source = airbenchBlackboard("again");
        Map<String, String> request = Map.of("format", "arr", "path", source.toString(), "lineage", "arr-again");
        List<String> first = importing(request).then().statusCode(200).extract().jsonPath().getList("trials.commitId");

        List<String> second = importing(request).then().statusCode(200).extract().jsonPath().getList("trials.commitId");

        assertThat(second).isEqualTo(first);
        assertThat(given().get("/api/trials?campaign=arr-again").then().extract().jsonPath().getList("$")).hasSize(4);
    }

    @Test
    void givenATextClient_whenImported_thenItReadsTheSummaryWithSkippedLines() throws Exception {
        Path source = airbenchBlackboard("text");

        String summary = given().contentType(ContentType.JSON).accept(ContentType.TEXT)
                .body(Map.of("format", "arr", "path", source.toString(), "lineage", "arr-text"))
                .post("/api/imports").then().statusCode(200).extract().asString();

        assertThat(summary).contains("imported 4 trials from arr " + source, "best trial: arr-text-a001",
                "1 rows skipped:", "results.tsv:6: has 2 tab-separated fields");
    }

    @Test
    void givenBadInputs_whenImported_thenA422NamesTheInputAndTheFix() throws Exception {
        Path source = airbenchBlackboard("bad");

        importing(Map.of("format", "mlflow", "path", source.toString(), "lineage", "x")).then().statusCode(422)
                .body("error", containsString("import format 'mlflow' is not known; use one of arr, autoresearch"));
        importing(Map.of("format", "arr", "path", tmp.resolve("missing").toString(), "lineage", "x"))
                .then().statusCode(422).body("error", containsString("is not a folder on this machine"));
        importing(Map.of("format", "arr", "path", tmp.getFileName() + "/missing", "lineage", "x"))
                .then().statusCode(422).body("error", containsString("is not a folder on this machine"));
        importing(Map.of("format", "arr", "path", source.toString(), "lineage", "golf-mini"))
                .then().statusCode(422).body("error", containsString("lineage of the built-in task golf-mini"));
        importing(Map.of("format", "arr", "path", source.toString(), "lineage", "../etc"))
                .then().statusCode(422).body("error", containsString("lineage '../etc' is not a valid name"));
        importing(Map.of("format", "arr", "path", tmp.toString(), "lineage", "arr-empty"))
                .then().statusCode(422).body("error", containsString("has no results.tsv"));
        assertThat(git("ls-remote", gitBase + "arr-empty.git").exit()).as("a failed import leaves no lineage").isNotZero();
    }

    @Test
    void givenALineageHoldingAnImport_whenAnotherSourceIsImportedIntoIt_thenItIsRefused() throws Exception {
        importing(Map.of("format", "arr", "path", airbenchBlackboard("one").toString(), "lineage", "arr-one"))
                .then().statusCode(200);

        importing(Map.of("format", "arr", "path", airbenchBlackboard("two").toString(), "lineage", "arr-one",
                "campaign", "other"))
                .then().statusCode(422).body("error", containsString("already holds the import of arr"));
        assertThat(given().get("/api/trials?campaign=other").then().extract().jsonPath().getList("$")).isEmpty();
    }

    @Test
    void givenAnAutoresearchCheckout_whenImported_thenTheDiscardHangsOffTheKeptTipAndTheTipIsBest() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("autoresearch"));
        gitIn(repo, "init", "-q", "-b", "master");
        Files.writeString(repo.resolve("train.py"), "MATRIX_LR = 0.04\n");
        gitIn(repo, "add", "-A");
        gitIn(repo, "commit", "-q", "-m", "initial commit");
        gitIn(repo, "checkout", "-q", "-b", "autoresearch/apr1");
        String baseline = gitIn(repo, "rev-parse", "--short=7", "HEAD").strip();
        Files.writeString(repo.resolve("train.py"), "MATRIX_LR = 0.05\n");
        gitIn(repo, "commit", "-q", "-am", "increase LR");
        String kept = gitIn(repo, "rev-parse", "--short=7", "HEAD").strip();
        Files.writeString(repo.resolve("train.py"), "MATRIX_LR = 0.05\nACT = 'gelu'\n");
        gitIn(repo, "commit", "-q", "-am", "GeLU");
        String discarded = gitIn(repo, "rev-parse", "--short=7", "HEAD").strip();
        gitIn(repo, "reset", "-q", "--hard", "HEAD~1");
        Files.writeString(repo.resolve("results.tsv"), "commit\tval_bpb\tmemory_gb\tstatus\tdescription\n"
                + baseline + "\t0.997900\t44.0\tkeep\tbaseline\n" + kept + "\t0.993200\t44.2\tkeep\tincrease LR\n"
                + discarded + "\t1.005000\t44.0\tdiscard\tGeLU\n");

        JsonPath report = importing(Map.of("format", "autoresearch", "path", repo.toString(), "lineage", "ar-apr1",
                "tag", "apr1")).then().statusCode(200).extract().jsonPath();

        assertThat(report.getString("bestTrialId")).isEqualTo("ar-apr1-" + kept);
        JsonPath discard = given().get("/api/trials/ar-apr1-" + discarded).then().statusCode(200).extract().jsonPath();
        assertThat(discard.getString("status")).isEqualTo("discard");
        assertThat(discard.getString("parentTrialId")).isEqualTo("ar-apr1-" + kept);
        assertThat(discard.getString("specialist")).isEqualTo("autoresearch");
        given().get("/api/trials/ar-apr1-" + kept + "/files/train.py").then().statusCode(200)
                .body(containsString("MATRIX_LR = 0.05"));
    }

    @Test
    void givenAPathOutsideTheImportRoot_whenImported_thenItIsRefusedNamingTheSettingAndNothingIsRead()
            throws Exception {
        Path outside = Files.createDirectories(outsideRoot.resolve("blackboard"));
        Files.writeString(outside.resolve("results.tsv"), "exp_id\tstatus\tval_bpb\nb0\tbaseline\t1.3\n");
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, outside);

        for (String path : List.of(outside.toString(), tmp + "/../../../" + outsideRoot.getFileName(), link.toString(),
                "/etc")) {
            importing(Map.of("format", "arr", "path", path, "lineage", "arr-outside")).then().statusCode(403)
                    .body("error", containsString("is outside the import root"))
                    .body("error", containsString("looplab.imports.root"));
        }
        assertThat(git("ls-remote", gitBase + "arr-outside.git").exit()).isNotZero();
    }

    @Test
    void givenAZipOfABlackboard_whenUploaded_thenItIsImportedAndTheSameUploadAgainChangesNothing() throws Exception {
        Path source = Files.createDirectories(outsideRoot.resolve("run-apr1").resolve("blackboard"));
        Files.writeString(source.resolve("results.tsv"), String.join("\n", HEADER,
                row("a000", "2026-04-01 09:00:00", "baseline", "", "", "cifar", "Baseline airbench96", "", "baseline",
                        "0.9605", "0.0011", "10", "26.356", "", "40.1", "ab-0", "", ""),
                row("a001", "2026-04-01 10:00:00", "opt", "exp_a000", "a000", "cifar", "Nesterov", "minus_0.3",
                        "keep", "0.9611", "0.0010", "10", "25.900", "-0.456", "39.0", "ab-1", "", "")));
        snapshot(source, "a001_cifar", "LR = 11.5\n");
        byte[] zip = zip(source);

        JsonPath report = given().contentType("application/zip").accept(ContentType.JSON).body(zip)
                .queryParam("format", "arr").queryParam("lineage", "run-apr1").queryParam("source", source.toString())
                .post("/api/imports").then().statusCode(200).extract().jsonPath();
        String again = given().contentType("application/zip").accept(ContentType.TEXT).body(zip)
                .queryParam("format", "arr").queryParam("lineage", "run-apr1").queryParam("source", source.toString())
                .post("/api/imports").then().statusCode(200).extract().asString();

        assertThat(report.getList("trials.trialId")).containsExactly("run-apr1-a000", "run-apr1-a001");
        assertThat(report.getString("bestTrialId")).isEqualTo("run-apr1-a001");
        assertThat(again).contains("imported 2 trials from arr " + source);
        given().get("/api/trials/run-apr1-a001/files/train.py").then().statusCode(200)
                .body(containsString("LR = 11.5"));
        given().contentType("application/zip").body(new byte[] {1, 2, 3}).queryParam("format", "arr")
                .queryParam("lineage", "bad-zip").post("/api/imports").then().statusCode(422)
                .body("error", containsString("not a zip"));
    }

    @Test
    void givenAnImportedCampaign_whenExportedAsArrAndUploadedBack_thenTheTreeStatusesAndBestAreTheSame()
            throws Exception {
        Path source = airbenchBlackboard("exported");
        JsonPath first = importing(Map.of("format", "arr", "path", source.toString(), "lineage", "arr-exp1",
                "campaign", "exp1")).then().statusCode(200).extract().jsonPath();

        Map<String, String> files = given().queryParam("format", "arr").get("/api/exports/exp1").then()
                .statusCode(200).extract().jsonPath().getMap("files", String.class, String.class);
        Path back = Files.createDirectories(outsideRoot.resolve("back"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(back.resolve(file.getKey()), file.getValue());
        }
        JsonPath second = given().contentType("application/zip").accept(ContentType.JSON).body(zip(back))
                .queryParam("format", "arr").queryParam("lineage", "arr-exp2").queryParam("campaign", "exp2")
                .post("/api/imports").then().statusCode(200).extract().jsonPath();

        assertThat(files).containsKeys("results.tsv", "tree.tsv", "best.json");
        assertThat(second.getList("trials.sourceId")).isEqualTo(first.getList("trials.sourceId"));
        assertThat(second.getList("trials.status")).isEqualTo(first.getList("trials.status"));
        assertThat(second.getList("trials.parentTrialId", String.class).stream()
                .map(p -> p == null ? null : p.replace("exp2-", "")).toList())
                .isEqualTo(first.getList("trials.parentTrialId", String.class).stream()
                        .map(p -> p == null ? null : p.replace("exp1-", "")).toList());
        assertThat(second.getString("bestTrialId")).isEqualTo("exp2-a001");
        given().queryParam("format", "arr").get("/api/exports/nope").then().statusCode(404);
        given().queryParam("format", "mlflow").get("/api/exports/exp1").then().statusCode(422)
                .body("error", containsString("use one of arr, autoresearch"));
    }

    @Test
    void givenAZipWhoseEntryClimbsOut_whenUploaded_thenItIsRefused() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            out.putNextEntry(new java.util.zip.ZipEntry("../../escaped.txt"));
            out.write("x".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        given().contentType("application/zip").body(bytes.toByteArray()).queryParam("format", "arr")
                .queryParam("lineage", "arr-escape").post("/api/imports").then().statusCode(422)
                .body("error", containsString("'../../escaped.txt' leaves its folder"));
    }

    private static byte[] zip(Path folder) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes);
                var files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.zip.ZipEntry(folder.relativize(file).toString()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String gitIn(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=agent", "-c",
                "user.email=agent@example.com"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
        return output;
    }

    // ---- helpers

    private static io.restassured.response.Response importing(Map<String, String> request) {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON).body(request).post("/api/imports");
    }

    private static String row(String... fields) {
        return String.join("\t", fields);
    }

    private static void snapshot(Path dir, String name, String knobs) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("snapshots").resolve(name));
        Files.writeString(folder.resolve("train.py"), "import torch\n" + knobs);
    }

    private record Git(int exit, String output) {
    }

    private Git git(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("git " + String.join(" ", args) + " did not finish: " + output);
        }
        return new Git(process.exitValue(), output);
    }
}
