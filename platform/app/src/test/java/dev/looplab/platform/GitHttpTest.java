package dev.looplab.platform;

import dev.looplab.platform.support.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The lineage over Git smart HTTP, driven by the real git CLI: clone and ls-remote work, push is refused. */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class GitHttpTest {
    @TestHTTPResource("/git/golf-mini.git")
    URL lineageUrl;
    @TestHTTPResource("/git/nope.git")
    URL unknownUrl;

    @TempDir
    Path tmp;

    @Test
    void givenTheCampaignOpened_whenCloned_thenTheRootTrialBranchHasTheBaseline() throws Exception {
        String root = rootTrial();

        Result clone = git(tmp, "clone", lineageUrl.toString(), "clone");

        assertThat(clone.exit()).as(clone.output()).isZero();
        Result log = git(tmp, "-C", "clone", "log", "--format=%B", "origin/trial/" + root);
        assertThat(log.exit()).as(log.output()).isZero();
        assertThat(log.output()).contains("Baseline recipe of golf-mini");
    }

    @Test
    void givenTheCampaignOpened_whenListed_thenTheRootTrialRefIsAdvertised() throws Exception {
        String root = rootTrial();

        Result refs = git(tmp, "ls-remote", lineageUrl.toString());

        assertThat(refs.exit()).as(refs.output()).isZero();
        assertThat(refs.output()).contains("refs/heads/trial/" + root);
    }

    @Test
    void givenAClone_whenANewCommitIsPushed_thenThePushIsRefusedAndTheRefIsUnchanged() throws Exception {
        String root = rootTrial();
        assertThat(git(tmp, "clone", lineageUrl.toString(), "clone").exit()).isZero();
        Path clone = tmp.resolve("clone");
        assertThat(git(clone, "checkout", "-b", "mine", "origin/trial/" + root).exit()).isZero();
        Files.writeString(clone.resolve("pushed.txt"), "not allowed\n");
        assertThat(git(clone, "add", "pushed.txt").exit()).isZero();
        assertThat(git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com",
                "commit", "-m", "try to push").exit()).isZero();
        String before = git(tmp, "ls-remote", lineageUrl.toString(), "refs/heads/trial/" + root).output();

        Result push = git(clone, "push", lineageUrl.toString(), "HEAD:refs/heads/trial/" + root);
        Result pushNew = git(clone, "push", lineageUrl.toString(), "HEAD:refs/heads/mine");

        // 403 from the servlet: refused by the receive-pack factory, not a transport or auth failure
        assertThat(push.exit()).as(push.output()).isNotZero();
        assertThat(push.output()).contains("403");
        assertThat(pushNew.exit()).as(pushNew.output()).isNotZero();
        assertThat(pushNew.output()).contains("403");
        assertThat(git(tmp, "ls-remote", lineageUrl.toString(), "refs/heads/trial/" + root).output()).isEqualTo(before);
        assertThat(git(tmp, "ls-remote", lineageUrl.toString(), "refs/heads/mine").output()).isBlank();
    }

    @Test
    void givenAnUnknownTask_whenCloned_thenTheCloneFails() throws Exception {
        Result clone = git(tmp, "clone", unknownUrl.toString(), "nope");

        assertThat(clone.exit()).as(clone.output()).isNotZero();
        assertThat(clone.output()).contains("not found");
        assertThat(tmp.resolve("nope")).doesNotExist();
    }

    @Test
    void givenTheGitServlet_whenTheUiIsRequested_thenItIsStillServed() {
        // the servlet container must not shadow the static UI at the root
        given().get("/").then().statusCode(200).contentType(org.hamcrest.Matchers.containsString("text/html"));
    }

    // ---- helpers

    private record Result(int exit, String output) {
    }

    private static String rootTrial() {
        return given().get("/api/campaigns/platform-test").then().statusCode(200).extract().path("rootTrialId");
    }

    private static Result git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        // never prompt for credentials or read the developer's global git config
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("git " + String.join(" ", args) + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
