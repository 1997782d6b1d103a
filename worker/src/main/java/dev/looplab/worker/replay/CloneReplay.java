package dev.looplab.worker.replay;

import dev.looplab.access.PlatformToken;
import dev.looplab.evaluation.KeepRule;
import dev.looplab.evaluation.registry.EvaluatorSettings;
import dev.looplab.evaluation.task.TaskCatalog;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.evaluation.task.UnknownTaskException;
import dev.looplab.events.ArtifactRef;
import dev.looplab.events.Json;
import dev.looplab.events.RunRequest;
import dev.looplab.events.TrialEvent;
import dev.looplab.runtime.djl.DjlRuntime;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.ReplayPlan;
import dev.looplab.trial.ReplayVerdict;
import dev.looplab.worker.artifact.LocalArtifacts;
import dev.looplab.worker.run.CatalogTaskResolver;
import dev.looplab.worker.run.TrialRunner;
import dev.looplab.worker.sandbox.SandboxUnavailableException;
import dev.looplab.worker.sandbox.TrialSandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a trial again from a clone of its lineage on this machine, without a platform, Kafka, PostgreSQL or S3:
 * the trial's commit, seed and step schedule come from its outcome note and environment fingerprint, it trains in
 * this machine's sandbox through the worker's own {@link TrialRunner}, the task's evaluator scores it, and the
 * verdict is the platform's ({@link ReplayVerdict}). Artifacts stay in a folder under the replay home.
 */
public final class CloneReplay {
    /** Recipe threads when the original's fingerprint does not say (the worker's default). */
    static final int DEFAULT_THREADS = 2;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);

    /**
     * How this machine runs a replay.
     *
     * @param recipesDir the Looplab checkout's {@code recipes/}: the trusted task definitions and evaluators
     * @param home       where replays keep their folders ({@code replays/<trial>-<time>}), work dirs and task data
     * @param sandbox    how the trial is confined (bubblewrap, or unconfined where the user said so)
     * @param taskData   the GPU tasks' data settings, keyed {@code <task>.<key>} as the evaluators read them
     * @param token      sent when a platform's git endpoint asks for one
     */
    public record Settings(Path recipesDir, Path home, TrialSandbox sandbox, Path python, String devices,
                           Map<String, String> taskData, Optional<PlatformToken> token) {

        public Settings {
            taskData = taskData == null ? Map.of() : Map.copyOf(taskData);
            token = token == null ? Optional.empty() : token;
        }
    }

    /**
     * A replay that ran, with its verdict.
     *
     * @param replay the FINISHED event of the run: measurement, fingerprint, artifacts
     * @param folder where its artifacts and {@code replay.json} are
     */
    public record Result(RecordedTrial original, TrialEvent replay, ReplayVerdict verdict, Path folder) {

        /** 0 when identical or within noise, 3 when it differs: what {@code looplab replay} exits with. */
        public int exitCode() {
            return ReplayVerdict.DIFFERS.equals(verdict.verdict()) ? 3 : 0;
        }
    }

    private CloneReplay() {
    }

    /**
     * Replays {@code trialId} of the lineage at {@code source} (a folder or a URL), saying on {@code out} what it
     * runs and how far it got.
     *
     * @param sameBudget run an original that recorded no step count again with its budget (expecting noise)
     * @throws ReplayRefusedException when the input cannot be replayed; the message says the fix
     */
    public static Result replay(String source, String trialId, boolean sameBudget, Settings settings,
                                PrintStream out) throws InterruptedException {
        String runId = "replay-of-" + trialId + "-" + LocalDateTime.now().format(STAMP);
        Path folder = settings.home().resolve("replays").resolve(safe(runId));
        try {
            return replay(source, trialId, sameBudget, settings, out, runId, folder);
        } catch (ReplayRefusedException | IllegalArgumentException e) {
            // nothing ran: leave no empty replay folder behind
            deleteTree(folder);
            throw e;
        }
    }

    private static Result replay(String source, String trialId, boolean sameBudget, Settings settings,
                                 PrintStream out, String runId, Path folder) throws InterruptedException {
        try (ClonedLineage lineage = ClonedLineage.open(source, createDirectories(folder), settings.token())) {
            RecordedTrial original = lineage.trial(trialId);
            TaskDefinition task = taskOf(original, settings.recipesDir());
            ReplayPlan plan = ReplayPlan.of(original.outcome().environment(), original.budgetSeconds());
            if (!plan.fixedSteps() && !sameBudget) {
                throw new ReplayRefusedException("the outcome note of trial " + trialId + " records no step count"
                        + " (planned_steps): its run filled a budget rather than a fixed schedule, so its bits cannot"
                        + " be repeated; pass --same-budget to run it with the same budget and expect noise");
            }
            try {
                settings.sandbox().ensureUsable();
            } catch (SandboxUnavailableException e) {
                throw new ReplayRefusedException(e.getMessage() + " (for this command: LOOPLAB_WORKER_SANDBOX=unsafe)",
                        e);
            }
            int threads = original.threads() != null && original.threads() > 0 ? original.threads() : DEFAULT_THREADS;
            Integer budget = plan.budgetSeconds();
            ConsoleEvents events = new ConsoleEvents(out, plan.stopStep() > 0 ? plan.stopStep() : plan.steps());
            events.say(plan.describe(trialId, original.commit(), original.outcome().seed(), original.budgetSeconds())
                    + "; task " + task.name() + ", " + threads + " threads, recorded " + original.outcome().status()
                    + (original.outcome().score() == null ? "" : " " + original.outcome().score()));
            RunRequest request = new RunRequest(RunRequest.SCHEMA, runId, 1, "clone", task.name(), lineage.fetchUrl(),
                    original.commit(), budget == null ? 0 : budget, original.outcome().seed(), System.currentTimeMillis(),
                    plan.steps(), plan.stopStep());
            TrialEvent finished = runLocally(request, settings, threads, new LocalArtifacts(folder.resolve("artifacts")),
                    events);
            ReplayVerdict verdict = judge(original, finished, task.keepThreshold());
            Result result = new Result(original, finished, verdict, folder);
            writeReport(result);
            return result;
        }
    }

    /** Runs {@code request} through the worker's runner with this machine's sandbox, artifacts in a folder. */
    static TrialEvent runLocally(RunRequest request, Settings settings, int threads, LocalArtifacts artifacts,
                                 ConsoleEvents events) throws InterruptedException {
        CatalogTaskResolver tasks = new CatalogTaskResolver(settings.recipesDir(), new EvaluatorSettings(threads,
                settings.python(), settings.home().resolve("evaluators"), settings.devices(), settings.taskData()));
        TrialRunner runner = new TrialRunner(new TrialRunner.Settings("clone-replay", settings.home(), threads,
                Duration.ofSeconds(10), false, DjlRuntime::classpathString, settings.sandbox(), settings.devices(),
                settings.python()), tasks, artifacts, events);
        return runner.run(request);
    }

    /** The platform's rule: the tolerance is max(task threshold, 2 sigma of the baseline runs the lineage records). */
    static ReplayVerdict judge(RecordedTrial original, TrialEvent replay, double threshold) {
        KeepRule.NoiseFloor noise = KeepRule.NoiseFloor.of(original.baselineScores());
        ReplayVerdict.Tolerance tolerance = noise == null ? ReplayVerdict.Tolerance.of(threshold)
                : ReplayVerdict.Tolerance.of(threshold, noise.sigma(), noise.runs() + " baseline runs in the lineage");
        Measurement m = replay.measurement();
        return ReplayVerdict.decide(original.outcome().status(), original.outcome().score(), m.status(), m.score(),
                tolerance, original.outcome().environment(), replay.environment());
    }

    private static TaskDefinition taskOf(RecordedTrial original, Path recipesDir) {
        try {
            return TaskCatalog.scan(recipesDir).find(original.task());
        } catch (UnknownTaskException e) {
            throw new ReplayRefusedException("trial " + original.trialId() + " is a " + original.task() + " trial, and "
                    + recipesDir + " has no such task (" + e.getMessage() + "): run the replay from a Looplab"
                    + " checkout that has it", e);
        }
    }

    /** {@code replay.json} beside the artifacts: the verdict, both scores, the replay's fingerprint and artifacts. */
    private static void writeReport(Result result) {
        Measurement m = result.replay().measurement();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("trial", result.original().trialId());
        report.put("commit", result.original().commit());
        report.put("task", result.original().task());
        report.put("verdict", result.verdict().verdict());
        report.put("detail", result.verdict().detail());
        report.put("originalStatus", result.original().outcome().status().name());
        report.put("originalScore", result.original().outcome().score());
        report.put("replayStatus", m.status().name());
        report.put("replayScore", m.score());
        report.put("feedback", m.feedback());
        report.put("environment", result.replay().environment());
        report.put("artifacts", result.replay().artifacts().stream().map(ArtifactRef::key).toList());
        try {
            Files.writeString(result.folder().resolve("replay.json"), Json.write(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + result.folder().resolve("replay.json"), e);
        }
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover empty folder is harmless
        }
    }

    private static Path createDirectories(Path folder) {
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the replay folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A file name from a trial id, which a lineage may spell with any characters. */
    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    }
}
