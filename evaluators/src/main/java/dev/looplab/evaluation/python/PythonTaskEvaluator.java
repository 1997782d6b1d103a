package dev.looplab.evaluation.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.looplab.evaluation.DataFolder;
import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.scoring.DataSplit;
import dev.looplab.evaluation.scoring.ScoreMode;
import dev.looplab.evaluation.scoring.TaskEvaluator;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;

/**
 * The judge of a Python/PyTorch task whose trusted scoring is a {@code looplab_eval} module: {@code prepare}
 * builds the training folder from the configured data (never the held-out split), {@code score} judges the
 * trained artifact and prints the verdict this class turns into a {@link Measurement}. The scorer runs as the
 * worker (it reads the held-out data); the recipe's {@code load_model} runs in the model process it starts,
 * which runs in the trial's sandbox seeing the recipe, a private copy of the artifact and {@code looplab_eval},
 * never the held-out data. A task's evaluator supplies its module, data settings and arguments.
 */
public abstract class PythonTaskEvaluator extends TaskEvaluator {
    /** The training folder inside the data dir the worker gives {@link #prepareTrainingData}: {@code LOOPLAB_DATA}. */
    public static final String TRAINING_FOLDER = "train";
    /** The scorer's stderr (and its model process's), stored beside train.log once scoring ended. */
    public static final String SCORE_LOG = "score.log";
    /** Files in {@code LOOPLAB_OUT} that are not part of the submission, so never count as artifact bytes. */
    static final List<String> NOT_SUBMITTED = List.of("train.log", "metrics.jsonl", SCORE_LOG);
    /** What the scorer may take beyond the eval budget: interpreter and torch start, reading the held-out data. */
    static final Duration SCORER_START = Duration.ofSeconds(120);
    static final String STAMP = "prepared.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PythonRuntime python;
    private final String module;

    /**
     * @param judgedTask the one task this evaluator judges; {@code task} must be it, with {@code runtime: process}
     * @param module     the {@code looplab_eval} module that prepares and scores it (e.g. {@code parameter_golf})
     */
    protected PythonTaskEvaluator(TaskDefinition task, String judgedTask, String name, Direction direction,
                                  String module, PythonRuntime python) {
        super(task, name, python.evalPackage().version(), direction);
        if (!judgedTask.equals(task.name())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " judges task " + judgedTask + ", not "
                    + task.name());
        }
        if (task.runtime() != TaskDefinition.Runtime.process) {
            throw new TaskDefinition.InvalidTaskException(task.taskDir().resolve(TaskDefinition.FILE_NAME) + ": "
                    + name + " judges a Python recipe: set runtime: process and command: [python3, " + task.entry()
                    + "]");
        }
        this.python = python;
        this.module = module;
    }

    /** How the scorers run. */
    public PythonRuntime python() {
        return python;
    }

    /** The arguments of {@code prepare} besides {@code --out}: the configured data it reads. */
    protected abstract List<String> prepareArguments();

    /** The arguments of {@code score} besides the trial's: the held-out data and the task's rules. */
    protected abstract List<String> scoreArguments();

    /** The configured files and folders {@code prepare} reads: when any changes, the training folder is rebuilt. */
    protected abstract List<Path> dataSources();

    /** What to change when scoring overruns its budget. */
    protected abstract String evalBudgetFix();

    /**
     * Builds {@code dataDir/train} with {@code prepare}, or reuses the one an earlier run built from the same data
     * by the same package when nothing in it changed since (tokenizing a corpus takes long).
     */
    @Override
    public TrainingData prepareTrainingData(Path dataDir) {
        Path out = dataDir.resolve(TRAINING_FOLDER);
        Path stampFile = dataDir.resolve(STAMP);
        try {
            Files.createDirectories(dataDir);
            String source = sourceKey();
            JsonNode stamp = readStamp(stampFile);
            if (stamp != null && source.equals(stamp.path("source").asText()) && Files.isDirectory(out)
                    && DataFolder.listing(out).equals(stamp.path("listing").asText())) {
                return new TrainingData(out, stamp.path("sha256").asText(), stamp.path("bytes").asLong());
            }
            Files.deleteIfExists(stampFile);
            deleteTree(out);
            List<String> args = new ArrayList<>(List.of("prepare"));
            args.addAll(prepareArguments());
            args.addAll(List.of("--out", out.toString()));
            PythonRuntime.Run run = python.run(python.command(module, args),
                    python.environment(dataDir.resolve("tmp")), dataDir, dataDir.resolve("prepare.json"),
                    dataDir.resolve("prepare.log"), null);
            if (run.exitCode() != 0 || !Files.isDirectory(out)) {
                throw new IllegalStateException(task() + " could not prepare its training data: " + command("prepare")
                        + " exited with code " + run.exitCode() + run.hint() + (run.setupError()
                        ? " (its data settings looplab.tasks." + task() + ".* point at the wrong data)" : "")
                        + ":\n" + run.stderrTail());
            }
            TrainingData data = new TrainingData(out, DataFolder.sha256(out), DataFolder.bytes(out));
            ObjectNode written = JSON.createObjectNode().put("source", source).put("sha256", data.sha256())
                    .put("bytes", data.bytes()).put("listing", DataFolder.listing(out));
            Files.writeString(stampFile, JSON.writeValueAsString(written), StandardCharsets.UTF_8);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the training data of " + task() + " in " + dataDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the training data of " + task(), e);
        }
    }

    /**
     * Runs {@code score} on the trained artifact and maps its verdict. The scorer's model process runs under
     * {@code request.sandbox()}, seeing the recipe, the scorer's private copy of the artifact (in the scratch dir)
     * and the package.
     */
    @Override
    public Measurement evaluate(EvaluationRequest request) {
        long started = System.nanoTime();
        Path scratch = request.scratchDir().toAbsolutePath();
        Path tmp = scratch.resolve("tmp");
        Path verdictFile = scratch.resolve("verdict.json");
        Path log = scratch.resolve(SCORE_LOG);
        int budget = trainBudgetSeconds(request);
        PythonRuntime.Run run;
        try {
            Files.createDirectories(tmp);
            Files.deleteIfExists(verdictFile);
            ScoreMode mode = scoreMode(request, tmp, verdictFile, budget);
            run = python.run(mode.command(), mode.environment(), scratch, scratch.resolve("score.out"), log,
                    Duration.ofSeconds(definition().evalBudgetSeconds()).plus(SCORER_START));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the scratch dir " + scratch, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        }
        keepLog(log, request.outDir());
        double evalSeconds = (System.nanoTime() - started) / 1e9;
        if (run.timedOut()) {
            return measurement(request, TrialStatus.eval_budget_overrun, null, Map.of(), 0, evalSeconds, "",
                    String.format(Locale.ROOT, "scoring took longer than the %d s eval budget (and %d s to start) and "
                                    + "was stopped: %s", definition().evalBudgetSeconds(), SCORER_START.toSeconds(),
                            evalBudgetFix()));
        }
        if (run.setupError()) {
            throw new IllegalStateException(name() + " cannot judge: " + command("score") + " exited with code 2 ("
                    + "its held-out data or arguments are wrong; check looplab.tasks." + task() + ".*):\n"
                    + run.stderrTail());
        }
        if (run.exitCode() != 0 || !Files.isRegularFile(verdictFile)) {
            return measurement(request, TrialStatus.crash, null, Map.of(), 0, evalSeconds, "",
                    command("score") + " exited with code " + run.exitCode() + " without a verdict" + run.hint()
                            + ":\n" + run.stderrTail());
        }
        PythonVerdict verdict;
        try {
            verdict = PythonVerdict.parse(Files.readString(verdictFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return measurement(request, TrialStatus.crash, null, Map.of(), 0, evalSeconds, "",
                    "the verdict of " + command("score") + " is unreadable: " + e.getMessage());
        }
        if (verdict.direction() != direction() || !name().equals(verdict.evaluator())) {
            throw new IllegalStateException(command("score") + " judged as " + verdict.evaluator() + " ("
                    + verdict.direction() + " is better), but this is " + name() + " (" + direction()
                    + " is better): the Java evaluator and the Python module disagree");
        }
        if (request.trainTimedOut() && verdict.status() != TrialStatus.train_budget_overrun) {
            // the worker killed it: whatever it left behind is not a finished run
            return measurement(request, TrialStatus.train_budget_overrun, null, verdict.metrics(),
                    verdict.artifactBytes(), evalSeconds, verdict.dataSha256(), String.format(Locale.ROOT,
                            "training was killed after %.1f s, past its %d s budget: make the recipe stop itself "
                                    + "earlier (it reads LOOPLAB_BUDGET_S) or do less per step",
                            request.trainSeconds(), budget));
        }
        return measurement(request, verdict.status(), verdict.score(), verdict.metrics(), verdict.artifactBytes(),
                evalSeconds, verdict.dataSha256(), verdict.feedback());
    }

    /**
     * How the scorer starts: {@code python3 -m looplab_eval.<module> score ...} with the trial's facts, the sandbox
     * prefix its model process runs under ({@code --model-wrapper}), its environment, and what the model process
     * may read ({@link ScoreMode#readOnly()}): the recipe, the scorer's private folder and the package.
     */
    ScoreMode scoreMode(EvaluationRequest request, Path tmp, Path verdictFile, int trainBudget) throws IOException {
        Path recipe = request.recipeDir().toAbsolutePath();
        List<Path> modelReads = List.of(recipe, tmp, python.evalPackage().pythonPath());
        List<String> wrapper = request.sandbox().prefix(recipe, modelReads, List.of());
        List<String> args = new ArrayList<>(List.of("score",
                "--recipe-dir", recipe.toString(),
                "--entry", definition().entry(),
                "--artifact-dir", request.outDir().toAbsolutePath().toString(),
                "--train-seconds", String.format(Locale.ROOT, "%.3f", request.trainSeconds()),
                "--train-budget-s", Integer.toString(trainBudget),
                "--train-exit-code", Integer.toString(request.trainExitCode()),
                "--eval-budget-s", Integer.toString(definition().evalBudgetSeconds()),
                "--device", python.device(),
                "--threads", Integer.toString(python.threads()),
                "--model-wrapper", JSON.writeValueAsString(wrapper),
                "--exclude", String.join(",", NOT_SUBMITTED),
                "--output", verdictFile.toString()));
        Path trainLog = request.outDir().resolve("train.log");
        if (Files.isRegularFile(trainLog)) {
            args.addAll(List.of("--train-log", trainLog.toAbsolutePath().toString()));
        }
        args.addAll(scoreArguments());
        return new ScoreMode(python.command(module, args), python.environment(tmp), modelReads);
    }

    private int trainBudgetSeconds(EvaluationRequest request) {
        return request.trainBudgetSeconds() > 0 ? request.trainBudgetSeconds() : definition().trainBudgetSeconds();
    }

    private Measurement measurement(EvaluationRequest request, TrialStatus status, Double score,
                                    Map<String, Double> metrics, long artifactBytes, double evalSeconds,
                                    String dataSha256, String feedback) {
        return new Measurement(status, score, direction(), metrics, request.trainSeconds(), evalSeconds, artifactBytes,
                request.seed(), name(), version(), dataSha256, feedback);
    }

    private String command(String sub) {
        return "python3 -m " + LooplabEvalPackage.PACKAGE + "." + module + " " + sub;
    }

    /** What identifies the training folder: this package, the arguments, and the listing of every input. */
    private String sourceKey() {
        StringBuilder key = new StringBuilder(name() + "\n" + python.evalPackage().sha256() + "\n"
                + String.join("\0", prepareArguments()) + "\n");
        for (Path source : dataSources()) {
            key.append(source).append('\0');
            try {
                key.append(Files.isDirectory(source) ? DataFolder.listing(source)
                        : Files.size(source) + "@" + Files.getLastModifiedTime(source).toMillis()).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source, e);
            }
        }
        return DataSplit.sha256(key.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode readStamp(Path file) {
        try {
            return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The scorer's log goes with the trial's other files; losing it loses no verdict. */
    private static void keepLog(Path log, Path outDir) {
        try {
            if (Files.isRegularFile(log) && Files.isDirectory(outDir)) {
                Files.copy(log, outDir.resolve(SCORE_LOG), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // best effort
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
