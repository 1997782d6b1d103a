package dev.looplab.launcher;

import dev.looplab.infra.LocalPorts;
import dev.looplab.runtime.ParentWatch;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An app started by a launcher stops when that launcher dies, however it died: killing a test JVM or `looplab up`
 * with SIGKILL left the platform, workers and proposers running, holding their ports (found in a benchmark run).
 * The packaged proposer stands for every app: each observes the same watch at start.
 */
class AppsStopWithLauncherIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void givenAnAppWhoseLauncherIsKilled_thenTheAppStopsWithinSeconds() throws Exception {
        // given a stand-in launcher process and the proposer app started naming it as its parent
        Process launcher = new ProcessBuilder("sleep", "600").start();
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        Path logs = Files.createTempDirectory("looplab-parent-watch");
        int port = LocalPorts.free();
        // no platform or broker answers: the app starts all the same and waits for them
        Map<String, String> env = Map.of(ParentWatch.PARENT_PID_ENV, Long.toString(launcher.pid()),
                "LOOPLAB_PLATFORM_URL", "http://127.0.0.1:9", "LOOPLAB_KAFKA_BOOTSTRAP", "127.0.0.1:9",
                "LOOPLAB_HOME", logs.resolve("home").toString());
        try (App app = App.start("proposer-agents", root.resolve("proposer-agents/target/quarkus-app/quarkus-run.jar"),
                env, logs, List.of("-XX:TieredStopAtLevel=1", "-Xmx256m"), port)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                assertThat(app.isAlive()).as("proposer alive; see %s", app.log()).isTrue();
                return live(port);
            });

            // when the launcher is killed with SIGKILL
            launcher.destroyForcibly().waitFor();

            // then the app stops by itself and says why
            await().atMost(Duration.ofSeconds(30)).until(() -> !app.isAlive());
            assertThat(Files.readString(app.log())).contains("Parent process " + launcher.pid()
                    + " exited; stopping the proposer");
        } finally {
            launcher.destroyForcibly();
        }
    }

    private static boolean live(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
