package dev.looplab.worker.run;

import dev.looplab.trial.Direction;
import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.evaluation.Evaluator.TrainingData;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.events.ArtifactRef;
import dev.looplab.events.RunRequest;
import dev.looplab.events.TrialEvent;
import dev.looplab.worker.artifact.ArtifactSink;
import dev.looplab.worker.checkout.TrialCheckout;
import dev.looplab.worker.fingerprint.EnvironmentFingerprint;
import dev.looplab.worker.fingerprint.LoadAverage;
import dev.looplab.worker.sandbox.RecipeRuntime;
import dev.looplab.worker.sandbox.SandboxLimits;
import dev.looplab.worker.metrics.MetricEvents;
import dev.looplab.worker.metrics.MetricsTail;
import dev.looplab.worker.sandbox.TrainLog;
import dev.looplab.worker.sandbox.TrainingCommand;
import dev.looplab.worker.sandbox.TrainingProcess;
import dev.looplab.worker.sandbox.TrainingResult;
import dev.looplab.worker.sandbox.TrialSandbox;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs one attempt at a trial end to end (fetch, train under budget, evaluate, store artifacts) and
 * always reports it with a FINISHED event, a crash with its reason when anything fails.
 */
public final class TrialRunner {
    private static final Logger LOG = Logger.getLogger(TrialRunner.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final int FINISH_ATTEMPTS = 3;
    private static final String WORKER_EVALUATOR = "looplab-worker";
    /** Set for CPU-budgeted recipes, so waiting threads sleep instead of spending the budget. */
    static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";

    /**
     * Where the runner keeps its files and how it runs recipes: confined by {@code sandbox}, seeing
     * {@code devices} as CUDA_VISIBLE_DEVICES (null: no GPU), Python recipes on {@code python}, a CPU
     * budget stopped on the wall clock at {@code wallCeilingFactor} times the budget.
     */
    public record Settings(String workerId, Path home, int threads, Duration minGrace, boolean keepWorkDirs,
                           Supplier<String> djlClasspath, TrialSandbox sandbox, String devices, Path python,
                           double wallCeilingFactor) {

        /** The wall-clock ceiling of a CPU budget when none is configured: three times the budget. */
        public static final double DEFAULT_WALL_CEILING_FACTOR = 3.0;

        public Settings {
            devices = devices == null || devices.isBlank() ? null : devices.strip();
            python = python == null ? Path.of("/usr/bin/python3") : python;
            // fails naming the setting, so a malformed value stops the worker at start, not a trial later
            TrainingCommand.ceilingFor(Duration.ofSeconds(1), wallCeilingFactor);
        }

        /** A runner whose CPU budgets have the default wall-clock ceiling. */
        public Settings(String workerId, Path home, int threads, Duration minGrace, boolean keepWorkDirs,
                        Supplier<String> djlClasspath, TrialSandbox sandbox, String devices, Path python) {
            this(workerId, home, threads, minGrace, keepWorkDirs, djlClasspath, sandbox, devices, python,
                    DEFAULT_WALL_CEILING_FACTOR);
        }

        /** A runner whose Python recipes run on Debian's python3. */
        public Settings(String workerId, Path home, int threads, Duration minGrace, boolean keepWorkDirs,
                        Supplier<String> djlClasspath, TrialSandbox sandbox, String devices) {
            this(workerId, home, threads, minGrace, keepWorkDirs, djlClasspath, sandbox, devices, null);
        }
    }

    private final Settings settings;
    private final TaskResolver tasks;
    private final ArtifactSink artifacts;
    private final TrialEvents events;
    private final TrainingDataCache data;
    private volatile EnvironmentFingerprint machine;

    private final java.util.Optional<dev.looplab.access.PlatformToken> lineageToken;
    private final java.util.Optional<String> platformUrl;

    public TrialRunner(Settings settings, TaskResolver tasks, ArtifactSink artifacts, TrialEvents events) {
        this(settings, tasks, artifacts, events, java.util.Optional.empty());
    }

    /** The same, fetching trial commits with {@code lineageToken} from a platform that asks for one. */
    public TrialRunner(Settings settings, TaskResolver tasks, ArtifactSink artifacts, TrialEvents events,
                       java.util.Optional<dev.looplab.access.PlatformToken> lineageToken) {
        this(settings, tasks, artifacts, events, lineageToken, java.util.Optional.empty());
    }

    /**
     * The same, for a worker that joined the platform at {@code platformUrl}: a lineage path of the platform's host
     * that this host lacks is fetched from that platform's git endpoint ({@link TrialCheckout#where}).
     */
    public TrialRunner(Settings settings, TaskResolver tasks, ArtifactSink artifacts, TrialEvents events,
                       java.util.Optional<dev.looplab.access.PlatformToken> lineageToken,
                       java.util.Optional<String> platformUrl) {
        this.lineageToken = lineageToken;
        this.platformUrl = platformUrl;
        this.settings = settings;
        this.tasks = tasks;
        this.artifacts = artifacts;
        this.events = events;
        this.data = new TrainingDataCache(settings.home().resolve("data"));
    }

    /**
     * Runs the attempt and returns once its FINISHED event is acknowledged by the broker.
     *
     * @throws InterruptedException when the worker stops mid-trial (nothing is reported; the request is redelivered)
     * @throws TrialEventPublisher.PublishException when FINISHED could not be delivered
     */
    public TrialEvent run(RunRequest request) throws InterruptedException {
        WorkDirs dirs = WorkDirs.of(settings.home(), request);
        events.send(event(request, TrialEvent.Type.STARTED, "fetching commit " + request.commit(), null, null));
        Progress progress = new Progress();
        Measurement measurement;
        List<ArtifactRef> stored = List.of();
        try {
            measurement = attempt(request, dirs, progress);
            stored = storeArtifacts(dirs);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("worker stopping during trial " + request.trialId());
            }
            LOG.warnf(e, "trial %s attempt %d crashed in the worker", request.trialId(), request.attempt());
            measurement = crash(request, progress, reasonOf(e));
            stored = storeLogsBestEffort(dirs);
        }
        TrialEvent finished = finishedEvent(request, measurement, stored, fingerprint(request, progress, measurement, dirs));
        publishFinished(finished);
        LOG.infof("trial %s attempt %d finished: %s score %s, train %.1f s, eval %.1f s, %d artifacts%s",
                request.trialId(), request.attempt(), measurement.status(), measurement.score(),
                measurement.trainSeconds(), measurement.evalSeconds(), stored.size(),
                measurement.status().isScored() ? "" : " (" + firstLine(measurement.feedback()) + ")");
        if (!settings.keepWorkDirs()) {
            deleteQuietly(dirs.root());
        }
        return finished;
    }

    /** The trial's result is worth a few retries: redelivery would train it all over again. */
    private void publishFinished(TrialEvent finished) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                events.sendAndAwait(finished, ACK_TIMEOUT);
                return;
            } catch (TrialEventPublisher.PublishException e) {
                if (attempt >= FINISH_ATTEMPTS) {
                    throw e;
                }
                LOG.warnf("FINISHED of trial %s not acknowledged (%s); retrying", finished.trialId(), e.getMessage());
                Thread.sleep(Duration.ofSeconds(5L * attempt).toMillis());
            }
        }
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private Measurement attempt(RunRequest request, WorkDirs dirs, Progress progress)
            throws IOException, InterruptedException {
        // first, so a crash report never carries files of an earlier, abandoned delivery
        dirs.recreate();
        validate(request);
        TaskSetup task = tasks.resolve(request.task());
        Evaluator evaluator = task.evaluator();
        progress.evaluator = evaluator;

        TrialCheckout.checkout(TrialCheckout.where(request.lineageUrl(), request.task(), platformUrl), request.commit(),
                dirs.checkout(), lineageToken);
        Path recipeDir = locateRecipe(dirs.checkout(), task);
        TrainingData trainingData = data.trainingData(evaluator);
        progress.dataSha256 = trainingData.sha256();

        int budgetSeconds = request.trainBudgetSeconds() > 0 ? request.trainBudgetSeconds() : task.trainBudgetSeconds();
        Map<String, String> taskEnv = new HashMap<>(evaluator.trainingEnvironment());
        // a replay trains the recorded number of steps instead of filling its budget
        if (request.steps() > 0) {
            taskEnv.put("LOOPLAB_STEPS", Integer.toString(request.steps()));
        }
        if (request.stopStep() > 0) {
            taskEnv.put("LOOPLAB_STOP_STEP", Integer.toString(request.stopStep()));
        }
        // refuse before running anything of the trial when the sandbox cannot confine it
        TrialSandbox sandbox = settings.sandbox().hiding(evaluator.heldOutPaths());
        sandbox.ensureUsable();
        progress.sandbox = sandbox;
        List<String> recipeCommand = recipeCommand(task, sandbox.limits());
        TrainingCommand command = trainingCommand(task, recipeCommand, recipeDir, dirs, trainingData, budgetSeconds,
                request.seed(), taskEnv, sandbox);
        progress.task = task;
        progress.recipeCommand = recipeCommand;
        progress.command = command;
        progress.budgetSeconds = budgetSeconds;
        LOG.infof("trial %s attempt %d: training %s for %d %s s in %s", request.trialId(), request.attempt(),
                task.task(), budgetSeconds, command.clock() == TrainingCommand.Clock.CPU ? "CPU" : "wall", recipeDir);
        TrainingResult trained;
        // points stream to the platform while the recipe trains; they never feed the outcome
        MetricsTail metrics = MetricsTail.start(dirs.metrics(), MetricsTail.Settings.DEFAULT,
                points -> events.send(MetricEvents.batch(request.trialId(), request.attempt(),
                        settings.workerId(), points)));
        progress.loadStart = LoadAverage.oneMinute();
        try (metrics) {
            trained = TrainingProcess.run(command);
        }
        progress.loadEnd = LoadAverage.oneMinute();
        progress.trained = trained;
        // what the budget counted is what the evaluator judges and a time-scored task scores: CPU seconds for CPU tasks
        double budgeted = trained.budgetedSeconds(command.clock());
        progress.trainSeconds = budgeted;

        events.send(event(request, TrialEvent.Type.EVALUATING,
                describe(trained, command) + "; " + metrics.summary().describe(), null, null));
        Measurement measured;
        long evalStarted = System.nanoTime();
        try {
            measured = evaluator.evaluate(new EvaluationRequest(recipeDir, dirs.out(), dirs.scratch(),
                    trained.exitCode(), trained.timedOut(), budgeted, request.seed(), sandbox, budgetSeconds));
        } catch (RuntimeException e) {
            throw new IllegalStateException("evaluator " + evaluator.name() + " " + evaluator.version()
                    + " failed: " + e, e);
        }
        progress.evalSeconds = (System.nanoTime() - evalStarted) / 1e9;
        if (measured == null) {
            throw new IllegalStateException("evaluator " + evaluator.name() + " returned no measurement");
        }
        return explainFailedTraining(measured, trained, dirs.log());
    }

    private static void validate(RunRequest request) {
        List<String> missing = new ArrayList<>();
        if (blank(request.task())) {
            missing.add("task");
        }
        if (blank(request.lineageUrl())) {
            missing.add("lineageUrl");
        }
        if (blank(request.commit())) {
            missing.add("commit");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("run request for trial " + request.trialId() + " lacks " + missing
                    + ": the platform must set them before scheduling");
        }
    }

    /** The recipe's directory: {@code recipes/<task>/} in the checkout when it exists, else the checkout root. */
    private static Path locateRecipe(Path checkout, TaskSetup task) {
        Path nested = checkout.resolve("recipes").resolve(task.task());
        if (task.entry() == null) {
            return Files.isDirectory(nested) ? nested : checkout;
        }
        for (Path candidate : List.of(nested, checkout)) {
            if (Files.isRegularFile(candidate.resolve(task.entry()))) {
                return candidate;
            }
        }
        throw new IllegalStateException("the trial's commit has no " + task.entry() + " at its root or in recipes/"
                + task.task() + "/: the recipe's entry file was removed or renamed");
    }

    /** The recipe's own command line, before the sandbox wraps it: what the fingerprint records. */
    private List<String> recipeCommand(TaskSetup task, SandboxLimits limits) {
        List<String> argv;
        if (TaskSetup.RUNTIME_DJL.equals(task.runtime())) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            argv = new ArrayList<>(List.of(java.toString()));
            argv.addAll(dev.looplab.runtime.djl.DjlRuntime.JVM_OPTIONS);
            if (limits.limitsMemory()) {
                // half for the heap, half for libtorch: the JVM then throws OutOfMemoryError instead of dying
                argv.add("-Xmx" + Math.max(64, limits.memoryMiB() / 2) + "m");
            }
            argv.addAll(List.of("-cp", settings.djlClasspath().get(), task.entry(), "train"));
        } else if (TaskSetup.RUNTIME_PROCESS.equals(task.runtime()) && !task.command().isEmpty()) {
            argv = RecipeRuntime.processCommand(task.command(), settings.python());
        } else {
            throw new IllegalStateException("task " + task.task() + " has runtime '" + task.runtime()
                    + "' without a way to start it: use runtime djl with an entry, or process with a command");
        }
        return argv;
    }

    private TrainingCommand trainingCommand(TaskSetup task, List<String> argv, Path recipeDir, WorkDirs dirs,
                                            TrainingData data, int budgetSeconds, long seed,
                                            Map<String, String> taskEnv, TrialSandbox sandbox) throws IOException {
        SandboxLimits limits = sandbox.limits();
        Duration budget = Duration.ofSeconds(budgetSeconds);
        Duration grace = TrainingCommand.graceFor(budget, settings.minGrace());
        boolean cpu = task.budgetClock() == TaskDefinition.BudgetClock.cpu;
        // never before budget plus grace, as TrainingCommand would have it
        Duration ceiling = cpu ? max(TrainingCommand.ceilingFor(budget, settings.wallCeilingFactor()),
                budget.plus(grace)) : null;
        Map<String, String> env = new HashMap<>();
        // the recipe sees a minimal environment: never the worker's credentials
        for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(taskEnv);
        env.put("LOOPLAB_DATA", data.path().toAbsolutePath().toString());
        env.put("LOOPLAB_OUT", dirs.out().toAbsolutePath().toString());
        env.put("LOOPLAB_METRICS", dirs.metrics().toAbsolutePath().toString());
        env.put("LOOPLAB_BUDGET_S", Integer.toString(budgetSeconds));
        // the recipe plans its steps on the clock its budget is counted on
        env.put("LOOPLAB_BUDGET_CLOCK", task.budgetClock().name());
        if (cpu) {
            // OpenMP threads otherwise spin while they wait: on a busy machine golf-mini's 2-thread steps then
            // burned 8x the CPU (1.3-2.5 s against 0.22-0.3 s, docs/benchmarks.md), all of it charged to the budget
            env.put(OMP_WAIT_POLICY, "PASSIVE");
            // on a very busy machine the wall-clock ceiling comes first: the recipe stops itself before it
            env.put("LOOPLAB_WALL_CEILING_S", Long.toString(ceiling.toSeconds()));
        }
        env.put("LOOPLAB_SEED", Long.toString(seed));
        env.put("LOOPLAB_THREADS", Integer.toString(settings.threads()));
        // the same seed and threads must train the same numbers, and libtorch's buffers stay mapped (see DjlRuntime)
        env.putAll(dev.looplab.runtime.djl.DjlRuntime.ENVIRONMENT);
        // the worker's GPUs numbered as nvidia-smi numbers them; a CPU worker's recipes see none
        env.put("CUDA_VISIBLE_DEVICES", settings.devices() == null ? "" : settings.devices());
        if (settings.devices() != null) {
            env.put("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
        }
        if (TaskSetup.RUNTIME_PROCESS.equals(task.runtime())) {
            // the checkout is read-only, and a killed recipe's last lines must reach train.log
            env.put("PYTHONDONTWRITEBYTECODE", "1");
            env.put("PYTHONUNBUFFERED", "1");
        }
        // the recipe writes only its outputs and metrics; its checkout stays as committed, for the evaluator
        if (!Files.exists(dirs.metrics())) {
            Files.createFile(dirs.metrics());
        }
        List<String> confined = sandbox.wrap(argv, recipeDir, List.of(dirs.checkout(), data.path()),
                List.of(dirs.out(), dirs.metrics()));
        return new TrainingCommand(confined, recipeDir, env, dirs.log(), budget, grace, limits,
                cpu ? TrainingCommand.Clock.CPU : TrainingCommand.Clock.WALL, ceiling);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String describe(TrainingResult trained, TrainingCommand command) {
        String cpu = Double.isFinite(trained.cpuSeconds())
                ? String.format(Locale.ROOT, ", %.1f CPU s", trained.cpuSeconds()) : "";
        if (trained.timedOut()) {
            return String.format(Locale.ROOT, "training killed after %.1f s%s (%s budget %d s + grace %d s%s)",
                    trained.seconds(), cpu, command.clock() == TrainingCommand.Clock.CPU ? "CPU" : "wall",
                    command.budget().toSeconds(), command.grace().toSeconds(),
                    command.clock() == TrainingCommand.Clock.CPU
                            ? ", wall-clock ceiling " + command.ceiling().toSeconds() + " s" : "");
        }
        return String.format(Locale.ROOT, "training exited with code %d after %.1f s%s", trained.exitCode(),
                trained.seconds(), cpu);
    }

    /**
     * A failed training run's feedback gets the sandbox limit it hit and the log lines that explain it,
     * unless the evaluator quoted them.
     */
    private static Measurement explainFailedTraining(Measurement m, TrainingResult trained, Path log) {
        if (m.status().isScored() || (trained.exitCode() == 0 && !trained.timedOut())) {
            return m;
        }
        String summary = TrainLog.summary(log);
        String feedback = m.feedback() == null ? "" : m.feedback();
        if (trained.hitALimit()) {
            feedback = trained.limitReached() + (feedback.isBlank() ? "" : "; " + feedback);
        }
        if (summary.isEmpty()) {
            // nothing at all from the process: it died before the recipe's first line (launcher, sandbox, limits)
            feedback = (feedback.isBlank() ? "" : feedback + "; ") + "train.log is empty: the process printed nothing"
                    + " before it ended, so it failed before the recipe started (the sandbox, a limit or the JVM)";
        } else if (!feedback.contains(summary.lines().findFirst().orElse(summary))) {
            feedback = (feedback.isBlank() ? "" : feedback + "; ") + "train.log:\n" + summary;
        }
        if (feedback.equals(m.feedback())) {
            return m;
        }
        return new Measurement(m.status(), m.score(), m.direction(), m.metrics(), m.trainSeconds(), m.evalSeconds(),
                m.artifactBytes(), m.seed(), m.evaluator(), m.evaluatorVersion(), m.dataSha256(), feedback,
                m.testScore());
    }

    private List<ArtifactRef> storeArtifacts(WorkDirs dirs) throws IOException {
        List<ArtifactRef> refs = new ArrayList<>();
        if (Files.isDirectory(dirs.out())) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dirs.out())) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                refs.add(artifacts.put(dirs.out().relativize(file).toString(), file));
            }
        }
        if (Files.isRegularFile(dirs.metrics())) {
            refs.add(artifacts.put(dirs.metrics().getFileName().toString(), dirs.metrics()));
        }
        return refs;
    }

    private List<ArtifactRef> storeLogs(WorkDirs dirs) {
        List<ArtifactRef> refs = new ArrayList<>();
        for (Path file : List.of(dirs.log(), dirs.metrics())) {
            if (Files.isRegularFile(file)) {
                refs.add(artifacts.put(file.getFileName().toString(), file));
            }
        }
        return refs;
    }

    /** After a crash the logs are what explains it, yet a failing store must not stop the report. */
    private List<ArtifactRef> storeLogsBestEffort(WorkDirs dirs) {
        try {
            return storeLogs(dirs);
        } catch (RuntimeException e) {
            LOG.warnf("could not store the logs of %s: %s", dirs.root(), e.getMessage());
            return List.of();
        }
    }

    private Measurement crash(RunRequest request, Progress progress, String reason) {
        Evaluator evaluator = progress.evaluator;
        Direction direction = evaluator == null ? null : safe(evaluator::direction);
        return new Measurement(TrialStatus.crash, null, direction, Map.of(), progress.trainSeconds, progress.evalSeconds,
                0L, request.seed(), evaluator == null ? WORKER_EVALUATOR : safe(evaluator::name),
                evaluator == null ? null : safe(evaluator::version), progress.dataSha256,
                "worker " + settings.workerId() + " could not complete the trial: " + reason);
    }

    /** The attempt's environment fingerprint; empty when the attempt failed before a command existed. */
    private Map<String, String> fingerprint(RunRequest request, Progress progress, Measurement measurement,
                                            WorkDirs dirs) {
        if (progress.command == null) {
            return Map.of();
        }
        try {
            EnvironmentFingerprint fingerprint = machine;
            if (fingerprint == null) {
                fingerprint = EnvironmentFingerprint.ofThisMachine(safe(settings.djlClasspath()), settings.devices(),
                        settings.python());
                machine = fingerprint;
            }
            Map<String, String> numerics = new java.util.TreeMap<>();
            java.util.stream.Stream.concat(dev.looplab.runtime.djl.DjlRuntime.ENVIRONMENT.keySet().stream(),
                    java.util.stream.Stream.of(OMP_WAIT_POLICY)).forEach(k -> {
                String v = progress.command.environment().get(k);
                if (v != null) {
                    numerics.put(k, v);
                }
            });
            return fingerprint.forAttempt(new EnvironmentFingerprint.TrialFacts(progress.task.runtime(),
                    progress.recipeCommand, settings.threads(), request.seed(), progress.budgetSeconds,
                    request.steps(), request.stopStep(), numerics, progress.dataSha256, measurement.dataSha256(),
                    dirs.metrics(), progress.sandbox == null ? null : progress.sandbox.description(),
                    progress.budgetFacts()));
        } catch (RuntimeException e) {
            LOG.warnf("could not fingerprint trial %s: %s", request.trialId(), e.toString());
            return Map.of("fingerprint_error", String.valueOf(e.getMessage()));
        }
    }

    private TrialEvent finishedEvent(RunRequest request, Measurement measurement, List<ArtifactRef> stored,
                                     Map<String, String> environment) {
        return new TrialEvent(TrialEvent.SCHEMA, request.trialId(), request.attempt(), TrialEvent.Type.FINISHED,
                settings.workerId(), System.currentTimeMillis(), measurement.feedback(), measurement, stored, null,
                environment);
    }

    private static <T> T safe(Supplier<T> supplier) {
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String reasonOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }

    private TrialEvent event(RunRequest request, TrialEvent.Type type, String message, Measurement measurement,
                             List<ArtifactRef> stored) {
        return new TrialEvent(TrialEvent.SCHEMA, request.trialId(), request.attempt(), type, settings.workerId(),
                System.currentTimeMillis(), message, measurement, stored);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", root, e.getMessage());
        }
    }

    /** What the attempt learned before it failed, so a crash report still carries it. */
    private static final class Progress {
        Evaluator evaluator;
        String dataSha256;
        double trainSeconds;
        double evalSeconds;
        TaskSetup task;
        TrainingCommand command;
        /** The recipe's command line as the sandbox received it. */
        List<String> recipeCommand;
        int budgetSeconds;
        /** The trial's own sandbox: the worker's, plus the task's held-out paths hidden. */
        TrialSandbox sandbox;
        /** How training ended; null until it did. */
        TrainingResult trained;
        /** The machine's 1-minute load average when training started and ended (NaN where unknown). */
        double loadStart = Double.NaN;
        double loadEnd = Double.NaN;

        EnvironmentFingerprint.BudgetFacts budgetFacts() {
            return new EnvironmentFingerprint.BudgetFacts(command.clock().name().toLowerCase(Locale.ROOT),
                    command.clock() == TrainingCommand.Clock.CPU ? command.ceiling().toSeconds() : 0,
                    loadStart, loadEnd, trained == null ? Double.NaN : trained.seconds(),
                    trained == null ? Double.NaN : trained.cpuSeconds());
        }
    }
}
