package dev.looplab.evaluation.airbench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.looplab.trial.Direction;
import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.evaluation.golf.GolfMiniEvaluator;
import dev.looplab.evaluation.golf.ScoringProcess;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.runtime.djl.DjlRuntime;

/**
 * Judges airbench-mini like Airbench96: the score is the training wallclock per run (lower is better),
 * valid only when the mean test accuracy of the {@code runs} trained models, computed here from the
 * logits of the recipe's score mode, reaches the task's {@code gate_accuracy}; below it is gate_miss.
 */
public final class AirbenchMiniEvaluator implements Evaluator {
    public static final String TASK = "airbench-mini";
    public static final String NAME = "airbench-mini-acc";
    public static final String VERSION = "1.0.0";
    /** The training file handed to the recipe as {@code LOOPLAB_DATA}. */
    public static final String TRAIN_FILE = "fashion-mnist-train.idx";
    /** Tells the recipe how many independent models to train. */
    public static final String RUNS_ENV = "LOOPLAB_RUNS";
    /** Where the worker is expected to keep the training log, quoted in crash feedback when present. */
    public static final String TRAIN_LOG = GolfMiniEvaluator.TRAIN_LOG;
    /** Test images per score frame. */
    static final int FRAME_IMAGES = 1000;

    private final TaskDefinition task;
    private final Supplier<FashionMnist> data;
    private final int threads;
    private volatile FashionMnist loaded;

    /** The evaluator of {@code task} on Debian's Fashion-MNIST, scoring with one PyTorch thread. */
    public AirbenchMiniEvaluator(TaskDefinition task) {
        this(task, FashionMnist::fromDebianDataset, 1);
    }

    public AirbenchMiniEvaluator(TaskDefinition task, Supplier<FashionMnist> data, int threads) {
        if (!TASK.equals(task.name())) {
            throw new IllegalArgumentException("AirbenchMiniEvaluator judges task " + TASK + ", not " + task.name());
        }
        if (task.gateAccuracy() <= 0) {
            throw new TaskDefinition.InvalidTaskException(task.taskDir().resolve(TaskDefinition.FILE_NAME)
                    + ": airbench-mini needs gate_accuracy, the mean test accuracy a trial must reach (e.g. 0.90)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.task = task;
        this.data = data;
        this.threads = threads;
    }

    /** The whole dataset folder: the recipe gets its training split from {@link #prepareTrainingData}. */
    @Override
    public List<Path> heldOutPaths() {
        return List.of(FashionMnist.DEBIAN_DIR);
    }

    @Override
    public Map<String, String> trainingEnvironment() {
        return Map.of(RUNS_ENV, Integer.toString(task.runs()));
    }

    @Override
    public String task() {
        return TASK;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public Direction direction() {
        return Direction.lower;
    }

    @Override
    public double keepThreshold() {
        return task.keepThreshold();
    }

    public double gateAccuracy() {
        return task.gateAccuracy();
    }

    public int runs() {
        return task.runs();
    }

    /** The dataset, read once. */
    public FashionMnist data() {
        FashionMnist d = loaded;
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
        Path file = dataDir.resolve(TRAIN_FILE);
        String sha = data().writeTraining(file);
        return new TrainingData(file, sha, data().trainBytes());
    }

    /** The file run {@code run} of the recipe writes into {@code LOOPLAB_OUT}. */
    public static String modelFile(int run) {
        return "model-" + run + ".bin";
    }

    @Override
    public Measurement evaluate(EvaluationRequest request) {
        Verdicts v = new Verdicts(request, System.nanoTime());
        int runs = task.runs();
        v.metric("runs", runs);
        v.metric("gate_accuracy", task.gateAccuracy());
        if (request.trainTimedOut()) {
            return v.fail(TrialStatus.train_budget_overrun, 0, String.format(Locale.ROOT,
                    "training %d runs took longer than the %d s budget (%.1f s) and was stopped: train fewer epochs "
                            + "or a cheaper network", runs, task.trainBudgetSeconds(), request.trainSeconds()));
        }
        if (request.trainExitCode() != 0) {
            return v.fail(TrialStatus.crash, 0, "training exited with code " + request.trainExitCode() + trainLogTail(request)
                    + ": fix the error before tuning further");
        }
        List<String> missing = new ArrayList<>();
        long modelBytes = 0;
        long codeBytes;
        try {
            for (int run = 0; run < runs; run++) {
                Path model = request.outDir().resolve(modelFile(run));
                if (Files.isRegularFile(model)) {
                    modelBytes += Files.size(model);
                } else {
                    missing.add(modelFile(run));
                }
            }
            codeBytes = Files.size(task.entryIn(request.recipeDir()));
        } catch (IOException e) {
            return v.fail(TrialStatus.crash, 0, "cannot read the recipe or its artifacts: " + e.getMessage());
        }
        if (!missing.isEmpty()) {
            return v.fail(TrialStatus.crash, 0, "training exited 0 but wrote no " + String.join(", ", missing)
                    + " to LOOPLAB_OUT" + trainLogTail(request) + ": the recipe must train " + RUNS_ENV + "=" + runs
                    + " models and export each as model-<run>.bin");
        }
        long artifactBytes = codeBytes + modelBytes;
        v.metric("code_bytes", codeBytes);
        v.metric("model_bytes", modelBytes / (double) runs);
        v.metric("artifact_bytes", artifactBytes);
        return score(request, v, artifactBytes);
    }

    private Measurement score(EvaluationRequest request, Verdicts v, long artifactBytes) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(DjlRuntime.JVM_OPTIONS);
        command.addAll(List.of("-cp", DjlRuntime.classpathString(), task.entry(), "score",
                request.outDir().toAbsolutePath().toString()));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "airbench-mini-scoring");
            t.setDaemon(true);
            return t;
        });
        ScoringProcess process;
        try {
            Map<String, String> env = new HashMap<>(DjlRuntime.REPRODUCIBLE_NUMERICS);
            env.put("LOOPLAB_THREADS", Integer.toString(threads));
            env.put("LOOPLAB_SEED", Long.toString(request.seed()));
            // the scoring process sees the recipe and the artifacts, read-only; test images arrive on stdin
            List<String> confined = request.sandbox().wrap(command, request.recipeDir(),
                    List.of(request.recipeDir(), request.outDir()), List.of());
            process = ScoringProcess.start(confined, request.recipeDir(), env);
        } catch (IOException e) {
            executor.shutdownNow();
            return v.fail(TrialStatus.crash, artifactBytes, "cannot start the recipe in score mode: " + e.getMessage());
        }
        try {
            Future<double[]> session = executor.submit(() -> accuracies(process, task.runs()));
            double[] accuracy;
            try {
                accuracy = session.get(task.evalBudgetSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return v.fail(TrialStatus.eval_budget_overrun, artifactBytes, String.format(Locale.ROOT,
                        "classifying the %,d test images with %d models took longer than the %d s eval budget: "
                                + "make the forward pass cheaper (narrower convs, no TTA_FLIP)",
                        data().testCount(), task.runs(), task.evalBudgetSeconds()));
            } catch (ExecutionException e) {
                process.close();
                String tail = GolfMiniEvaluator.lastLines(process.stderrTail(), 6);
                return v.fail(TrialStatus.crash, artifactBytes, "score mode failed: " + e.getCause().getMessage()
                        + (tail.isEmpty() ? "" : "; recipe stderr:\n" + tail));
            }
            return v.judged(accuracy, artifactBytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } finally {
            process.close();
            executor.shutdownNow();
        }
    }

    /** Streams the test set to every run's model and counts the argmax hits: the protocol of score mode. */
    private double[] accuracies(ScoringProcess process, int runs) throws Exception {
        FashionMnist d = data();
        byte[] pixels = d.testPixels();
        byte[] labels = d.testLabels();
        double[] accuracy = new double[runs];
        for (int run = 0; run < runs; run++) {
            long correct = 0;
            for (int start = 0; start < d.testCount(); start += FRAME_IMAGES) {
                int n = Math.min(FRAME_IMAGES, d.testCount() - start);
                byte[] frame = ByteBuffer.allocate(2 * Integer.BYTES + n * FashionMnist.PIXELS)
                        .putInt(run).putInt(n).put(pixels, start * FashionMnist.PIXELS, n * FashionMnist.PIXELS)
                        .array();
                float[] logits = process.exchange(frame, n * FashionMnist.CLASSES,
                        n + " images for run " + run);
                for (int i = 0; i < n; i++) {
                    if (predictedClass(logits, i) == labels[start + i]) {
                        correct++;
                    }
                }
            }
            accuracy[run] = correct / (double) d.testCount();
        }
        int exit = process.finish(30);
        if (exit != 0) {
            throw new IOException("score mode exited with code " + exit + " after answering every frame");
        }
        return accuracy;
    }

    /** The argmax of image {@code i}'s ten logits; non-finite logits are the recipe's fault. */
    static int predictedClass(float[] logits, int i) throws IOException {
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < FashionMnist.CLASSES; k++) {
            float x = logits[i * FashionMnist.CLASSES + k];
            if (!Float.isFinite(x)) {
                throw new IOException("logit " + x + " for image " + i + ", class " + k
                        + ": score mode must return finite logits");
            }
            if (x > max) {
                max = x;
                best = k;
            }
        }
        return best;
    }

    private static String trainLogTail(EvaluationRequest request) {
        Path log = request.outDir().resolve(TRAIN_LOG);
        if (!Files.isRegularFile(log)) {
            return "";
        }
        try {
            String tail = GolfMiniEvaluator.lastLines(Files.readString(log, StandardCharsets.UTF_8), 6);
            return tail.isEmpty() ? "" : "; log tail:\n" + tail + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    /** Builds the measurements of one request: the shared fields filled once. */
    private final class Verdicts {
        private final EvaluationRequest request;
        private final long startedNanos;
        private final Map<String, Double> metrics = new LinkedHashMap<>();

        Verdicts(EvaluationRequest request, long startedNanos) {
            this.request = request;
            this.startedNanos = startedNanos;
        }

        void metric(String name, double value) {
            metrics.put(name, value);
        }

        Measurement fail(TrialStatus status, long artifactBytes, String feedback) {
            return measurement(status, null, artifactBytes, feedback);
        }

        /** Scored when the mean accuracy reaches the gate, else gate_miss; the score is seconds per run. */
        Measurement judged(double[] accuracy, long artifactBytes) {
            int runs = accuracy.length;
            double mean = java.util.Arrays.stream(accuracy).average().orElse(0);
            double variance = java.util.Arrays.stream(accuracy).map(a -> (a - mean) * (a - mean)).sum()
                    / Math.max(1, runs - 1);
            double secondsPerRun = request.trainSeconds() / runs;
            for (int run = 0; run < runs; run++) {
                metric("accuracy_run" + run, accuracy[run]);
            }
            metric("accuracy_mean", mean);
            metric("accuracy_std", Math.sqrt(variance));
            metric("accuracy_min", java.util.Arrays.stream(accuracy).min().orElse(0));
            metric("train_seconds_per_run", secondsPerRun);
            metric("eval_images", data().testCount());
            String perRun = java.util.Arrays.stream(accuracy)
                    .mapToObj(a -> String.format(Locale.ROOT, "%.4f", a)).collect(Collectors.joining(", "));
            double gate = task.gateAccuracy();
            if (mean < gate) {
                return measurement(TrialStatus.gate_miss, null, artifactBytes, String.format(Locale.ROOT,
                        "mean accuracy %.4f over %d seeds < gate %.4f (runs %s): disqualified; train longer (EPOCHS) "
                                + "or widen the first conv (WIDTH1) before cutting time again.",
                        mean, runs, gate, perRun));
            }
            return measurement(TrialStatus.scored, secondsPerRun, artifactBytes, String.format(Locale.ROOT,
                    "%.1f s of training per run (%.1f s for %d runs); mean accuracy %.4f over %d seeds >= gate %.4f "
                            + "(runs %s, margin %.4f).",
                    secondsPerRun, request.trainSeconds(), runs, mean, runs, gate, perRun, mean - gate));
        }

        private Measurement measurement(TrialStatus status, Double score, long artifactBytes, String feedback) {
            double evalSeconds = (System.nanoTime() - startedNanos) / 1e9;
            return new Measurement(status, score, Direction.lower, metrics, request.trainSeconds(), evalSeconds,
                    artifactBytes, request.seed(), NAME, VERSION, data().fingerprint(), feedback);
        }
    }
}
