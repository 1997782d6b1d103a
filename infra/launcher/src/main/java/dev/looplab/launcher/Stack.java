package dev.looplab.launcher;

import dev.looplab.infra.LooplabServices;
import dev.looplab.infra.ServiceEndpoints;
import dev.looplab.infra.ServicesConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole Looplab on one machine: the real services (embedded unless configured externally),
 * then the platform, one worker and the proposer agents, each its own process.
 */
public final class Stack implements AutoCloseable {
    private static final Duration PLATFORM_START_TIMEOUT = Duration.ofMinutes(3);

    /** Where things are and how the campaign runs. */
    public record Settings(Path root, Path home, int port, String campaign, String task,
                           int trainBudgetSeconds, boolean throwawayServices, Map<String, String> extraEnv) {

        /** Settings of {@code looplab up}, read from the environment with the README's defaults. */
        public static Settings fromEnvironment(Path root) {
            Map<String, String> env = System.getenv();
            Path home = Path.of(env.getOrDefault("LOOPLAB_HOME", System.getProperty("user.home") + "/.looplab"));
            return new Settings(root, home, Integer.parseInt(env.getOrDefault("LOOPLAB_PORT", "8080")),
                    env.getOrDefault("LOOPLAB_CAMPAIGN", "golf-mini-default"),
                    env.getOrDefault("LOOPLAB_TASK", "golf-mini"),
                    Integer.parseInt(env.getOrDefault("LOOPLAB_TRAIN_BUDGET_S", "0")), false, Map.of());
        }
    }

    private final Settings settings;
    private final LooplabServices services;
    private final List<App> apps = new ArrayList<>();

    private Stack(Settings settings, LooplabServices services) {
        this.settings = settings;
        this.services = services;
    }

    public static Stack start(Settings settings) {
        LooplabServices services = settings.throwawayServices()
                ? LooplabServices.forTests()
                : LooplabServices.start(ServicesConfig.from(withHome(settings.home())));
        Stack stack = new Stack(settings, services);
        try {
            stack.startApps();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static Map<String, String> withHome(Path home) {
        Map<String, String> variables = new HashMap<>(System.getenv());
        variables.put("LOOPLAB_HOME", home.toAbsolutePath().toString());
        return variables;
    }

    public String platformUrl() {
        return "http://localhost:" + settings.port();
    }

    public LooplabServices services() {
        return services;
    }

    public Settings settings() {
        return settings;
    }

    /** Environment shared by every app: each Quarkus app maps LOOPLAB_X_Y to its property looplab.x.y. */
    Map<String, String> appEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("LOOPLAB_HOME", settings.home().toAbsolutePath().toString());
        env.put("LOOPLAB_RECIPES_DIR", settings.root().resolve("recipes").toAbsolutePath().toString());
        ServiceEndpoints endpoints = services.endpoints();
        env.putAll(endpoints.asEnvironment());
        env.put("LOOPLAB_S3_BUCKET", endpoints.bucket());
        env.put("LOOPLAB_PLATFORM_URL", platformUrl());
        // workers fetch trial commits from the platform's read-only git endpoint, as a remote worker would
        env.put("LOOPLAB_LINEAGE_URL", platformUrl() + "/git");
        env.put("LOOPLAB_CAMPAIGN", settings.campaign());
        env.put("LOOPLAB_TASK", settings.task());
        env.put("LOOPLAB_TRAIN_BUDGET_S", Integer.toString(settings.trainBudgetSeconds()));
        env.putAll(settings.extraEnv());
        return env;
    }

    private void startApps() {
        Path logs = settings.home().resolve("logs");
        Map<String, String> env = appEnvironment();
        Map<String, String> platformEnv = new HashMap<>(env);
        platformEnv.put("LOOPLAB_PORT", Integer.toString(settings.port()));
        List<String> jvm = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m");
        apps.add(App.start("platform", appJar("platform/app"), platformEnv, logs, jvm));
        awaitPlatform();
        apps.add(App.start("worker", appJar("worker"), env, logs, jvm));
        // the proposer serves health and metrics beside the platform's port, so two stacks on one machine do not clash
        Map<String, String> proposerEnv = new HashMap<>(env);
        proposerEnv.put("QUARKUS_HTTP_PORT", Integer.toString(settings.port() + 2));
        apps.add(App.start("proposer-agents", appJar("proposer-agents"), proposerEnv, logs, jvm));
    }

    private Path appJar(String module) {
        return settings.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private void awaitPlatform() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = URI.create(platformUrl() + "/api/campaigns/" + settings.campaign());
        Instant deadline = Instant.now().plus(PLATFORM_START_TIMEOUT);
        App platform = apps.get(0);
        while (Instant.now().isBefore(deadline)) {
            if (!platform.isAlive()) {
                throw new IllegalStateException("the platform exited during start; see " + platform.log()
                        + "\n" + tail(platform.log()));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(probe).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the platform", e);
            }
            sleep(500);
        }
        throw new IllegalStateException("the platform did not answer " + probe + " within "
                + PLATFORM_START_TIMEOUT + "; see " + platform.log() + "\n" + tail(platform.log()));
    }

    /** Returns the first app that has died, if any: `looplab up` stops everything when one does. */
    public java.util.Optional<String> deadApp() {
        return apps.stream().filter(a -> !a.isAlive()).map(a -> a.name() + " (log: " + a.log() + ")").findFirst();
    }

    public List<Long> appPids() {
        return apps.stream().map(App::pid).toList();
    }

    /** Stops the apps (proposers first, platform last), then the services. */
    @Override
    public void close() {
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
        apps.clear();
        services.close();
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
