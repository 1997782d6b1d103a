package dev.looplab.launcher;

import dev.looplab.infra.EmbeddedService;
import dev.looplab.infra.LocalPorts;
import dev.looplab.infra.LooplabServices;
import dev.looplab.infra.ServiceEndpoints;
import dev.looplab.infra.ServicesConfig;
import dev.looplab.launcher.StackFile.AppEntry;
import dev.looplab.launcher.StackFile.RunState;
import dev.looplab.launcher.StackFile.ServiceEntry;
import dev.looplab.launcher.StackFile.Supervision;
import dev.looplab.launcher.StackFile.UnitState;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A whole Looplab on one machine: the real services (embedded unless configured externally), then the platform,
 * one worker and the proposer agents, each its own process, all kept running by a {@link Supervisor}; where each
 * is goes to {@code $LOOPLAB_HOME/run/stack.json} on every change.
 */
public final class Stack implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Stack.class);
    private static final Duration PLATFORM_START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SUPERVISOR_INTERVAL = Duration.ofMillis(500);
    private static final Map<String, String> SERVICE_NAMES = Map.of("kafka", "Kafka", "postgresql", "PostgreSQL",
            "s3", "S3");

    /** Where things are and how the campaign runs. */
    public record Settings(Path root, Path home, int port, String campaign, String task,
                           int trainBudgetSeconds, boolean throwawayServices, Map<String, String> extraEnv) {

        /** Settings of {@code looplab up}, read from the environment with the README's defaults. */
        public static Settings fromEnvironment(Path root) {
            Map<String, String> env = System.getenv();
            return new Settings(root, home(env), Integer.parseInt(env.getOrDefault("LOOPLAB_PORT", "8080")),
                    env.getOrDefault("LOOPLAB_CAMPAIGN", "golf-mini-default"),
                    env.getOrDefault("LOOPLAB_TASK", "golf-mini"),
                    Integer.parseInt(env.getOrDefault("LOOPLAB_TRAIN_BUDGET_S", "0")), false, Map.of());
        }

        /** LOOPLAB_HOME, default {@code ~/.looplab}: every command that needs the state dir resolves it here. */
        static Path home(Map<String, String> env) {
            String home = env.get("LOOPLAB_HOME");
            return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") + "/.looplab" : home)
                    .toAbsolutePath();
        }
    }

    private final Settings settings;
    private final LooplabServices services;
    private final Instant startedAt = Instant.now();
    private final List<SupervisedService> embedded;
    private final List<SupervisedApp> apps = new ArrayList<>();
    private final Object stackFileLock = new Object();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Supervisor supervisor;
    private volatile RunState state = RunState.starting;

    private Stack(Settings settings, LooplabServices services) {
        this.settings = settings;
        this.services = services;
        this.embedded = services.embedded().stream().map(SupervisedService::new).toList();
    }

    /** Starts everything, telling progress on standard output. */
    public static Stack start(Settings settings) {
        try (Progress progress = Progress.onStandardOutput()) {
            return start(settings, progress);
        }
    }

    /**
     * Starts the services, then the platform (waiting until it answers), the worker and the proposer agents, then
     * supervises them all.
     *
     * @throws IllegalStateException when a service or the platform does not start; what started is stopped again
     */
    static Stack start(Settings settings, Progress progress) {
        takeOver(settings.home(), progress);
        LooplabServices services = startServices(settings, progress);
        Stack stack = new Stack(settings, services);
        try {
            stack.writeStackFile();
            stack.startApps(progress);
            stack.supervisor = new Supervisor(stack.supervised(), RestartPolicy.DEFAULT, stack::writeStackFile);
            stack.state = RunState.up;
            stack.writeStackFile();
            stack.supervisor.watchEvery(SUPERVISOR_INTERVAL);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Refuses a home another running launcher uses, and stops the apps a killed launcher left running there (they
     * would hold its ports); its Kafka and S3 stop by themselves, its PostgreSQL is stopped on start.
     */
    static void takeOver(Path home, Progress progress) {
        Optional<StackFile> previous;
        try {
            previous = StackFile.read(StackFile.at(home));
        } catch (RuntimeException e) {
            LOG.warnf("Ignoring %s: %s", StackFile.at(home), e.getMessage());
            return;
        }
        if (previous.isEmpty() || previous.get().launcherPid() == ProcessHandle.current().pid()) {
            return;
        }
        StackFile old = previous.get();
        if (old.launcherRuns()) {
            throw new IllegalStateException("Looplab already runs in " + home + " (launcher pid " + old.launcherPid()
                    + "): stop it with Ctrl-C or kill " + old.launcherPid() + ", or set another LOOPLAB_HOME");
        }
        for (AppEntry app : old.apps()) {
            if (old.runs(app.pid())) {
                progress.say("stopping " + app.name() + " (pid " + app.pid() + "), left running by a launcher that died");
                ProcessHandle.of(app.pid()).ifPresent(Stack::stopLeftover);
            }
        }
    }

    private static void stopLeftover(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static LooplabServices startServices(Settings settings, Progress progress) {
        Set<String> pending = new LinkedHashSet<>();
        LooplabServices.StartListener listener = new LooplabServices.StartListener() {
            @Override
            public synchronized void starting(String service) {
                pending.add(SERVICE_NAMES.getOrDefault(service, service));
                progress.say("starting " + SERVICE_NAMES.getOrDefault(service, service) + " ...");
                progress.waitingFor("waiting for " + String.join(", ", pending));
            }

            @Override
            public synchronized void ready(String service, String endpoint, Duration took) {
                pending.remove(SERVICE_NAMES.getOrDefault(service, service));
                progress.say(String.format("%s is up at %s (%.1f s)", SERVICE_NAMES.getOrDefault(service, service),
                        endpoint, took.toMillis() / 1e3));
                progress.waitingFor(pending.isEmpty() ? "creating topics and the artifact bucket"
                        : "waiting for " + String.join(", ", pending));
            }
        };
        try {
            ServicesConfig config = settings.throwawayServices() ? ServicesConfig.forTests()
                    : ServicesConfig.from(withHome(settings.home()));
            return LooplabServices.start(config, listener);
        } finally {
            progress.waitingFor(null);
        }
    }

    private static Map<String, String> withHome(Path home) {
        Map<String, String> variables = new HashMap<>(System.getenv());
        variables.put("LOOPLAB_HOME", home.toAbsolutePath().toString());
        return variables;
    }

    public String platformUrl() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(settings.extraEnv());
        return "http://" + reachableHost(env.get("LOOPLAB_BIND")) + ":" + settings.port();
    }

    /** Where this machine reaches a platform bound to {@code bind}: localhost unless it names one interface. */
    static String reachableHost(String bind) {
        if (bind == null || bind.isBlank() || java.util.Set.of("0.0.0.0", "::", "[::]", "127.0.0.1", "localhost", "::1")
                .contains(bind.strip())) {
            return "localhost";
        }
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind.strip() + "]" : bind.strip();
    }

    public LooplabServices services() {
        return services;
    }

    public Settings settings() {
        return settings;
    }

    /** Where this stack writes its state: {@code $LOOPLAB_HOME/run/stack.json}. */
    public Path stackFile() {
        return StackFile.at(settings.home());
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
        // the apps it starts call the platform with the local admin token, read from its file (never the environment)
        env.put("LOOPLAB_TOKEN", "");
        env.put("LOOPLAB_TOKEN_FILE", PlatformAccess.adminTokenFile(settings.home()).toAbsolutePath().toString());
        // workers fetch trial commits from the platform's read-only git endpoint, as a remote worker would
        env.put("LOOPLAB_LINEAGE_URL", platformUrl() + "/git");
        env.put("LOOPLAB_CAMPAIGN", settings.campaign());
        env.put("LOOPLAB_TASK", settings.task());
        env.put("LOOPLAB_TRAIN_BUDGET_S", Integer.toString(settings.trainBudgetSeconds()));
        env.putAll(settings.extraEnv());
        return env;
    }

    private void startApps(Progress progress) {
        Path logs = settings.home().resolve("logs");
        Path adminToken = PlatformAccess.ensureAdminToken(settings.home());
        Map<String, String> env = appEnvironment();
        Map<String, String> platformEnv = new HashMap<>(env);
        platformEnv.put("LOOPLAB_PORT", Integer.toString(settings.port()));
        // the platform registers this file's secret as token local-admin at every start
        platformEnv.put("LOOPLAB_ADMIN_TOKEN_FILE", adminToken.toAbsolutePath().toString());
        // a request without a token from this machine reads (LOOPLAB_LOCAL_ROLE, viewer by default): any local user
        // may browse, while acting (replays, campaign controls) takes a token, which the browser signs in with
        List<String> jvm = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m");

        progress.say("starting the platform on port " + settings.port() + " ...");
        long began = System.nanoTime();
        SupervisedApp platform = SupervisedApp.start(App.Spec.quarkus("platform", appJar("platform/app"), jvm,
                platformEnv, logs, settings.port()), true);
        apps.add(platform);
        writeStackFile();
        progress.waitingFor("waiting for the platform to answer (log: " + platform.log() + ")");
        try {
            awaitPlatform(platform);
        } finally {
            progress.waitingFor(null);
        }
        progress.say(String.format("the platform is up at %s (pid %d, %.1f s)", platformUrl(), platform.pid(),
                (System.nanoTime() - began) / 1e9));
        // LOOPLAB_WORKERS local workers (default 1, or one per GPU listed in LOOPLAB_WORKER_DEVICES): the first is
        // "worker", the others "worker-2", ... each with a home of its own for its work folders and data cache
        Map<String, String> asked = new HashMap<>(System.getenv());
        asked.putAll(env);
        List<String> gpus = workerDevices(asked);
        int workers = workerCount(asked);
        List<String[]> planned = new ArrayList<>();
        for (int w = 1; w <= workers; w++) {
            planned.add(new String[] {w == 1 ? "worker" : "worker-" + w, "worker"});
        }
        planned.add(new String[] {"proposer-agents", "proposer-agents"});
        for (String[] plan : planned) {
            String name = plan[0];
            Map<String, String> appEnv = env;
            if (name.startsWith("worker-")) {
                appEnv = new HashMap<>(env);
                appEnv.put("LOOPLAB_HOME", settings.home().resolve("workers").resolve(name).toAbsolutePath().toString());
            }
            if (name.startsWith("worker") && gpus.size() > 1) {
                // one worker per GPU: worker w owns the w-th listed device alone
                appEnv = new HashMap<>(appEnv);
                int w = name.equals("worker") ? 1 : Integer.parseInt(name.substring("worker-".length()));
                appEnv.put("LOOPLAB_WORKER_DEVICES", gpus.get(w - 1));
            }
            SupervisedApp app = SupervisedApp.start(App.Spec.quarkus(name, appJar(plan[1]), jvm, appEnv, logs,
                    LocalPorts.free()), false);
            apps.add(app);
            progress.say("started " + name + " (pid " + app.pid() + ", HTTP port " + app.port() + ")");
            writeStackFile();
        }
    }

    static int workerCount(Map<String, String> env) {
        List<String> gpus = workerDevices(env);
        String raw = env.getOrDefault("LOOPLAB_WORKERS", gpus.size() > 1 ? Integer.toString(gpus.size()) : "1").trim();
        try {
            int count = Integer.parseInt(raw);
            if (count >= 1 && count <= 64) {
                if (gpus.size() > 1 && count != gpus.size()) {
                    throw new IllegalArgumentException("LOOPLAB_WORKER_DEVICES lists " + gpus.size() + " GPUs but "
                            + "LOOPLAB_WORKERS=" + raw + ": one worker per GPU, so leave LOOPLAB_WORKERS unset or set it "
                            + "to " + gpus.size());
                }
                return count;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("LOOPLAB_WORKERS=" + raw + " is not a worker count: give 1 to 64");
    }

    /** The GPUs listed in LOOPLAB_WORKER_DEVICES ({@code 0,1,2,3}), in order; empty for a CPU stack. */
    static List<String> workerDevices(Map<String, String> env) {
        String raw = env.getOrDefault("LOOPLAB_WORKER_DEVICES", "");
        return java.util.Arrays.stream(raw.split(",")).map(String::strip).filter(d -> !d.isEmpty()).toList();
    }

    private List<Supervisor.Supervised> supervised() {
        List<Supervisor.Supervised> all = new ArrayList<>(embedded);
        all.addAll(apps);
        return all;
    }

    private Path appJar(String module) {
        return settings.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private void awaitPlatform(SupervisedApp platform) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = URI.create(platformUrl() + "/api/campaigns/" + settings.campaign());
        Instant deadline = Instant.now().plus(PLATFORM_START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!platform.isRunning()) {
                throw new IllegalStateException("the platform exited during start; see " + platform.log()
                        + "\n" + String.join("\n", Logs.tail(platform.log(), 40)));
            }
            try {
                HttpResponse<Void> response = http.send(PlatformAccess.request(probe,
                                java.util.Optional.of(dev.looplab.access.PlatformToken.fromFile(
                                        PlatformAccess.adminTokenFile(settings.home())))).timeout(Duration.ofSeconds(10))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
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
                + PLATFORM_START_TIMEOUT + "; see " + platform.log() + "\n"
                + String.join("\n", Logs.tail(platform.log(), 40)));
    }

    /** Returns the first app not running right now, if any (the supervisor restarts it). */
    public Optional<String> deadApp() {
        return apps.stream().filter(a -> !a.isRunning()).map(a -> a.name() + " (log: " + a.log() + ")").findFirst();
    }

    public List<Long> appPids() {
        return apps.stream().map(a -> a.app().pid()).toList();
    }

    /** The pid of app or embedded service {@code name} now, -1 while it does not run. */
    public long pid(String name) {
        return supervised().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no app or embedded service named " + name))
                .pid();
    }

    /** How the supervisor sees app or embedded service {@code name}. */
    Supervision supervision(String name) {
        return supervisor.supervision(name);
    }

    /** Writes stack.json; the supervisor calls it on every change. */
    void writeStackFile() {
        synchronized (stackFileLock) {
            try {
                snapshot().write(stackFile());
            } catch (RuntimeException e) {
                // status reads a stale file then; the stack itself is unaffected
                LOG.warnf("Cannot update %s: %s", stackFile(), e.getMessage());
            }
        }
    }

    private StackFile snapshot() {
        ServiceEndpoints endpoints = services.endpoints();
        List<ServiceEntry> serviceEntries = new ArrayList<>();
        Map<String, String> endpointOf = Map.of("postgresql", endpoints.jdbcUrl(), "kafka", endpoints.kafkaBootstrap(),
                "s3", endpoints.s3Endpoint());
        for (String name : List.of("postgresql", "kafka", "s3")) {
            Optional<SupervisedService> service = embedded.stream().filter(s -> s.name().equals(name)).findFirst();
            serviceEntries.add(service.map(s -> new ServiceEntry(name, true, s.service().endpoint(), pidOrNull(s.pid()),
                            s.log().toString(), supervisionOf(name)))
                    .orElseGet(() -> new ServiceEntry(name, false, endpointOf.get(name), null, null, null)));
        }
        List<AppEntry> appEntries = apps.stream().map(a -> new AppEntry(a.name(), pidOrNull(a.pid()), a.port(),
                "http://localhost:" + a.port(), a.log().toString(), supervisionOf(a.name()))).toList();
        return new StackFile(StackFile.SCHEMA, ProcessHandle.current().pid(), state, startedAt, Instant.now(),
                settings.home().toString(), platformUrl(), settings.campaign(), settings.task(), serviceEntries,
                appEntries);
    }

    private Supervision supervisionOf(String name) {
        Supervisor current = supervisor;
        if (current != null) {
            return current.supervision(name);
        }
        return new Supervision(state == RunState.stopped ? UnitState.stopped : UnitState.starting, false, 0, null);
    }

    private static Long pidOrNull(long pid) {
        return pid < 0 ? null : pid;
    }

    /** Stops supervising, then the apps (proposers first, platform last), then the services. Idempotent. */
    @Override
    public void close() {
        // not under the stack file's lock: a restart finishing now still writes the file, and close waits for it
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        state = RunState.stopping;
        writeStackFile();
        if (supervisor != null) {
            supervisor.close();
        }
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
        services.close();
        state = RunState.stopped;
        writeStackFile();
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
