package dev.looplab.evaluation.scoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;

/**
 * The judge of a task whose trained artifact is scored by a scoring process: it checks that training
 * ended well, that the artifact is there and within the size cap, then runs the task's score mode in
 * the trial's sandbox under the eval budget and hands what the session measured to the task's verdict.
 * A task's evaluator supplies only what differs: its data, its files, its score mode and protocol
 * ({@link #session}), its verdict ({@link #judge}) and the knobs its feedback names.
 *
 * @param <D> the task's data split, read once
 * @param <R> what one scoring session measures
 */
public abstract class RecipeScoredEvaluator<D extends DataSplit, R> extends TaskEvaluator {
    /** Where the worker is expected to keep the training log, quoted in crash feedback when present. */
    public static final String TRAIN_LOG = "train.log";
    /** How long a scoring process may take to exit once its session ended. */
    protected static final long FINISH_SECONDS = 30;
    private static final int FEEDBACK_LINES = 6;

    private final Supplier<D> data;
    private final int threads;
    private volatile D loaded;

    /**
     * @param judgedTask the one task this evaluator judges; {@code task} must be it
     * @param threads    threads the scoring process may use ({@code LOOPLAB_THREADS})
     */
    protected RecipeScoredEvaluator(TaskDefinition task, String judgedTask, String name, String version,
                                    Direction direction, Supplier<D> data, int threads) {
        super(task, name, version, direction);
        if (!judgedTask.equals(task.name())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " judges task " + judgedTask + ", not "
                    + task.name());
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.data = data;
        this.threads = threads;
    }

    /** The data split, read once. */
    public D data() {
        D d = loaded;
        if (d == null) {
            synchronized (this) {
                if (loaded == null) {
                    loaded = data.get();
                }
                d = loaded;
            }
        }
        return d;
    }

    @Override
    public TrainingData prepareTrainingData(Path dataDir) {
        Path file = dataDir.resolve(trainingFile());
        String sha = data().writeTraining(file);
        return new TrainingData(file, sha, data().trainBytes());
    }

    @Override
    public final Measurement evaluate(EvaluationRequest request) {
        Verdicts v = new Verdicts(this, request, data().fingerprint());
        taskMetrics().forEach(v::metric);
        if (request.trainTimedOut()) {
            return v.fail(TrialStatus.train_budget_overrun,
                    trainBudgetOverrun(request, trainingDescription(), trainBudgetFix()));
        }
        if (request.trainExitCode() != 0) {
            return v.fail(TrialStatus.crash, "training exited with code " + request.trainExitCode()
                    + trainLogTail(request) + ": fix the error before tuning further");
        }
        List<String> models = modelFiles();
        List<String> missing = models.stream().filter(f -> !Files.isRegularFile(request.outDir().resolve(f))).toList();
        if (!missing.isEmpty()) {
            return v.fail(TrialStatus.crash, "training exited 0 but wrote no " + String.join(", ", missing)
                    + " to LOOPLAB_OUT" + trainLogTail(request) + ": " + exportFix());
        }
        Path code = codeFile(request);
        long codeBytes;
        long modelBytes = 0;
        try {
            codeBytes = Files.size(code);
            for (String model : models) {
                modelBytes += Files.size(request.outDir().resolve(model));
            }
        } catch (IOException e) {
            return unreadable(v, code, e);
        }
        v.artifact(codeBytes, modelBytes, models.size());
        Optional<String> capFix = sizeCapFix();
        if (capFix.isPresent() && v.artifactBytes() > definition().artifactCapBytes()) {
            return v.fail(TrialStatus.size_blocked, String.format(Locale.ROOT,
                    "size %,d B > cap %,d B (code %,d B + %s %,d B): %s",
                    v.artifactBytes(), definition().artifactCapBytes(), codeBytes, String.join(", ", models),
                    modelBytes, capFix.get()));
        }
        Session<R> session;
        try {
            session = session(v);
        } catch (IOException e) {
            return unreadable(v, code, e);
        }
        Measurement measured = score(v, session);
        return measured.status() == TrialStatus.scored ? withTestScore(measured, request) : measured;
    }

    /**
     * Scores a trial that the validation slice scored on the task's test slice, when it has one: in a scoring process
     * of its own, after the verdict, under a budget of its own, so the test slice can never change a trial's status or
     * score; a pass that fails or runs out of time leaves the measurement without a test score.
     */
    private Measurement withTestScore(Measurement measured, EvaluationRequest request) {
        Optional<TestPass> pass;
        try {
            pass = testPass(request);
        } catch (IOException e) {
            return measured;
        }
        if (pass.isEmpty()) {
            return measured;
        }
        ScoringProcess process;
        try {
            process = startScoring(request);
        } catch (IOException e) {
            return measured;
        }
        ExecutorService executor = scoringThread();
        try {
            double test = executor.submit(() -> pass.get().run(process)).get(testBudgetSeconds(), TimeUnit.SECONDS);
            return Double.isFinite(test) ? measured.withTestScore(test) : measured;
        } catch (TimeoutException | ExecutionException e) {
            return measured;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } finally {
            process.close();
            executor.shutdownNow();
        }
    }

    /** Starts the task's score mode in the trial's sandbox. */
    private ScoringProcess startScoring(EvaluationRequest request) throws IOException {
        ScoreMode mode = scoreMode(request);
        Map<String, String> env = new HashMap<>(mode.environment());
        env.put("LOOPLAB_THREADS", Integer.toString(threads));
        env.put("LOOPLAB_SEED", Long.toString(request.seed()));
        // the scoring process sees the recipe and the artifacts, read-only, and nothing of the held-out data:
        // that arrives frame by frame on its stdin
        List<Path> readOnly = new ArrayList<>(List.of(request.recipeDir(), request.outDir()));
        readOnly.addAll(mode.readOnly());
        return ScoringProcess.start(request.sandbox().wrap(mode.command(), request.recipeDir(), readOnly, List.of()),
                request.recipeDir(), env);
    }

    private ExecutorService scoringThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, task() + "-scoring");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code session} against the task's score mode in the trial's sandbox, under the eval budget. */
    private Measurement score(Verdicts v, Session<R> session) {
        ScoringProcess process;
        try {
            process = startScoring(v.request());
        } catch (IOException e) {
            return v.fail(TrialStatus.crash, "cannot start the recipe in score mode: " + e.getMessage());
        }
        ExecutorService executor = scoringThread();
        try {
            R measured = executor.submit(() -> session.run(process)).get(definition().evalBudgetSeconds(),
                    TimeUnit.SECONDS);
            return judge(measured, v);
        } catch (TimeoutException e) {
            return v.fail(TrialStatus.eval_budget_overrun, String.format(Locale.ROOT,
                    "%s took longer than the %d s eval budget and was stopped: %s", scoringDescription(),
                    definition().evalBudgetSeconds(), evalBudgetFix()));
        } catch (ExecutionException e) {
            process.close();
            String tail = lastLines(process.stderrTail(), FEEDBACK_LINES);
            return v.fail(TrialStatus.crash, "score mode failed: " + e.getCause().getMessage()
                    + (tail.isEmpty() ? "" : "; recipe stderr:\n" + tail));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } finally {
            process.close();
            executor.shutdownNow();
        }
    }

    private static Measurement unreadable(Verdicts v, Path code, IOException e) {
        return v.fail(TrialStatus.crash, "cannot read the recipe " + code + " or its artifacts: " + e.getMessage());
    }

    private static String trainLogTail(EvaluationRequest request) {
        Path log = request.outDir().resolve(TRAIN_LOG);
        if (!Files.isRegularFile(log)) {
            return "";
        }
        try {
            String tail = lastLines(Files.readString(log, StandardCharsets.UTF_8), FEEDBACK_LINES);
            return tail.isEmpty() ? "" : "; log tail:\n" + tail + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@code lines} non-blank lines of {@code text}, for feedback. */
    public static String lastLines(String text, int lines) {
        List<String> all = text.lines().filter(l -> !l.isBlank()).toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** One scoring session's protocol: frames sent, answers read, and the process finished. */
    @FunctionalInterface
    protected interface Session<R> {
        R run(ScoringProcess process) throws Exception;
    }

    /**
     * The pass over the task's test slice, on a fresh scoring process: it sends the frames, finishes the process and
     * returns the test score.
     */
    @FunctionalInterface
    protected interface TestPass {
        double run(ScoringProcess process) throws Exception;
    }

    /**
     * The test pass of a trial the validation slice scored, for a task that scores its test slice apart (empty by
     * default: no test slice, or one scored within the session).
     */
    protected Optional<TestPass> testPass(EvaluationRequest request) throws IOException {
        return Optional.empty();
    }

    /** How long the test pass may take: the eval budget, unless the task's test slice is larger than its validation. */
    protected long testBudgetSeconds() {
        return definition().evalBudgetSeconds();
    }

    /** The name of the training file handed to the recipe as {@code LOOPLAB_DATA}. */
    protected abstract String trainingFile();

    /** The files training must write into {@code LOOPLAB_OUT}; their sizes count towards the artifact. */
    protected abstract List<String> modelFiles();

    /** The recipe file whose size counts towards the artifact: the task's entry. */
    protected Path codeFile(EvaluationRequest request) {
        return definition().entryIn(request.recipeDir());
    }

    /** Metrics of the task's setting, in every measurement (for example the gate). */
    protected Map<String, Double> taskMetrics() {
        return Map.of();
    }

    /** How the scoring process starts. */
    protected abstract ScoreMode scoreMode(EvaluationRequest request);

    /**
     * The session for one trial, planned on the caller's thread once the artifact passed its checks
     * (metrics it records appear in every later verdict); it runs on a thread of its own under the
     * eval budget, and whatever it throws is a crash quoting the process's stderr.
     */
    protected abstract Session<R> session(Verdicts v) throws IOException;

    /** The verdict on what the session measured: scored, or why not (illegal, gate_miss, ...). */
    protected abstract Measurement judge(R measured, Verdicts v);

    /** What training did, for budget feedback. */
    protected String trainingDescription() {
        return "training";
    }

    /** What to change when training overruns its budget. */
    protected abstract String trainBudgetFix();

    /** What the recipe must write, for the feedback when it did not. */
    protected abstract String exportFix();

    /** What to change when the artifact is over the task's cap; empty when the task caps no size. */
    protected abstract Optional<String> sizeCapFix();

    /** What scoring does, for eval budget feedback. */
    protected abstract String scoringDescription();

    /** What to change when scoring overruns its budget. */
    protected abstract String evalBudgetFix();
}
