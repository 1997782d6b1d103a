package dev.looplab.evaluation.golf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.looplab.trial.Direction;
import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.runtime.djl.DjlRuntime;

/**
 * Judges golf-mini: held-out bits per byte of the round-tripped artifact, computed here from the
 * logits the recipe's score mode returns, after the size, budget and causality rules.
 */
public final class GolfMiniEvaluator implements Evaluator {
    public static final String TASK = "golf-mini";
    public static final String NAME = "golf-mini-bpb";
    public static final String VERSION = "1.0.0";
    /** The artifact the recipe's train mode writes into {@code LOOPLAB_OUT}. */
    public static final String MODEL_FILE = "model.bin";
    /** Where the worker is expected to keep the training log, quoted in crash feedback when present. */
    public static final String TRAIN_LOG = "train.log";
    /** Largest change of an earlier position's logits allowed when later bytes change. */
    public static final double CAUSALITY_TOLERANCE = 1e-4;
    /**
     * Environment that makes PyTorch's statically linked MKL pick the same kernels whatever the memory
     * alignment, so that the same seed and threads give the same bits; workers should train with it too.
     */
    public static final Map<String, String> REPRODUCIBLE_NUMERICS = dev.looplab.runtime.djl.DjlRuntime.REPRODUCIBLE_NUMERICS;
    static final int DEFAULT_WINDOW = 128;
    static final int MAX_WINDOW = 1024;
    private static final Pattern SEQ_LEN = Pattern.compile("static\\s+final\\s+int\\s+SEQ_LEN\\s*=\\s*(\\d+)\\s*;");
    private static final double LN2 = Math.log(2);

    private final TaskDefinition task;
    private final Supplier<GolfMiniData> data;
    private final int threads;
    private volatile GolfMiniData loaded;
    private volatile Double bigramBpb;

    /**
     * The evaluator of {@code task}, reading Debian's fortunes, scoring with one thread: on a shared
     * machine a second PyTorch thread mostly spins, and one thread keeps the logits reproducible.
     */
    public GolfMiniEvaluator(TaskDefinition task) {
        this(task, GolfMiniData::fromDebianFortunes, 1);
    }

    public GolfMiniEvaluator(TaskDefinition task, Supplier<GolfMiniData> data, int threads) {
        if (!TASK.equals(task.name())) {
            throw new IllegalArgumentException("GolfMiniEvaluator judges task " + TASK + ", not " + task.name());
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.task = task;
        this.data = data;
        this.threads = threads;
    }

    /** The held-out slice is cut from the fortunes themselves, so training must not see them at all. */
    @Override
    public List<Path> heldOutPaths() {
        return List.of(GolfMiniData.DEBIAN_FORTUNES);
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

    /** The corpus split, read once. */
    public GolfMiniData data() {
        GolfMiniData d = loaded;
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

    /** The add-one bigram's held-out bits per byte: the bar any trained model should clear. */
    public double bigramBpb() {
        Double b = bigramBpb;
        if (b == null) {
            b = ByteNgramBaseline.bigramBpb(data().train(), data().heldOut());
            bigramBpb = b;
        }
        return b;
    }

    @Override
    public TrainingData prepareTrainingData(Path dataDir) {
        Path file = dataDir.resolve("train.txt");
        String sha = data().writeTraining(file);
        return new TrainingData(file, sha, data().train().length);
    }

    @Override
    public Measurement evaluate(EvaluationRequest request) {
        long started = System.nanoTime();
        Verdicts v = new Verdicts(request, started);
        if (request.trainTimedOut()) {
            return v.fail(TrialStatus.train_budget_overrun, 0, String.format(Locale.ROOT,
                    "training ran past its %d s budget (%.1f s) and was stopped: make the recipe stop itself earlier "
                            + "or do less per step", task.trainBudgetSeconds(), request.trainSeconds()));
        }
        Path model = request.outDir().resolve(MODEL_FILE);
        if (request.trainExitCode() != 0) {
            return v.fail(TrialStatus.crash, 0, "training exited with code " + request.trainExitCode() + trainLogTail(request)
                    + ": fix the error before tuning further");
        }
        if (!Files.isRegularFile(model)) {
            return v.fail(TrialStatus.crash, 0, "training exited 0 but wrote no " + MODEL_FILE + " to LOOPLAB_OUT"
                    + trainLogTail(request) + ": the recipe must export its weights before it exits");
        }
        Path entry = task.entryIn(request.recipeDir());
        long codeBytes;
        long modelBytes;
        String source;
        try {
            codeBytes = Files.size(entry);
            modelBytes = Files.size(model);
            source = Files.readString(entry, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return v.fail(TrialStatus.crash, 0, "cannot read the recipe " + entry + " or its artifact: " + e.getMessage());
        }
        long artifactBytes = codeBytes + modelBytes;
        v.sizes(codeBytes, modelBytes);
        if (artifactBytes > task.artifactCapBytes()) {
            return v.fail(TrialStatus.size_blocked, artifactBytes, String.format(Locale.ROOT,
                    "size %,d B > cap %,d B (code %,d B + %s %,d B): shrink D_MODEL or quantize harder",
                    artifactBytes, task.artifactCapBytes(), codeBytes, MODEL_FILE, modelBytes));
        }
        int window = evalWindow(source);
        v.metric("eval_window", window);
        return score(request, v, artifactBytes, window);
    }

    private Measurement score(EvaluationRequest request, Verdicts v, long artifactBytes, int window) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(DjlRuntime.JVM_OPTIONS);
        command.addAll(List.of("-cp", DjlRuntime.classpathString(), task.entry(), "score",
                request.outDir().toAbsolutePath().toString()));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "golf-mini-scoring");
            t.setDaemon(true);
            return t;
        });
        ScoringProcess process;
        try {
            Map<String, String> env = new java.util.HashMap<>(REPRODUCIBLE_NUMERICS);
            env.put("LOOPLAB_THREADS", Integer.toString(threads));
            env.put("LOOPLAB_SEED", Long.toString(request.seed()));
            // the scoring process sees the recipe and the artifact, read-only, and nothing of the held-out data
            List<String> confined = request.sandbox().wrap(command, request.recipeDir(),
                    List.of(request.recipeDir(), request.outDir()), List.of());
            process = ScoringProcess.start(confined, request.recipeDir(), env);
        } catch (IOException e) {
            executor.shutdownNow();
            return v.fail(TrialStatus.crash, artifactBytes, "cannot start the recipe in score mode: " + e.getMessage());
        }
        try {
            Future<Session> session = executor.submit(() -> runSession(process, window));
            Session s;
            try {
                s = session.get(task.evalBudgetSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.close();
                return v.fail(TrialStatus.eval_budget_overrun, artifactBytes, String.format(Locale.ROOT,
                        "scoring the held-out slice took longer than the %d s eval budget and was stopped: "
                                + "make the forward pass cheaper (fewer loops or layers)", task.evalBudgetSeconds()));
            } catch (ExecutionException e) {
                process.close();
                String tail = lastLines(process.stderrTail(), 6);
                return v.fail(TrialStatus.crash, artifactBytes, "score mode failed: " + e.getCause().getMessage()
                        + (tail.isEmpty() ? "" : "; recipe stderr:\n" + tail));
            }
            if (s.causalityPosition >= 0) {
                v.metric("causality_max_delta", s.causalityDelta);
                return v.fail(TrialStatus.illegal, artifactBytes, String.format(Locale.ROOT,
                        "logits at position %d changed by %.3g when later bytes changed: the model peeks ahead "
                                + "(keep the causal mask; position i may only see bytes 0..i)",
                        s.causalityPosition, s.causalityDelta));
            }
            return v.scored(s, artifactBytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.close();
            throw new IllegalStateException("evaluation interrupted", e);
        } finally {
            process.close();
            executor.shutdownNow();
        }
    }

    /** The scoring protocol: the causality probe first, then the held-out slice in windows. */
    private Session runSession(ScoringProcess process, int window) throws Exception {
        byte[] heldOut = data().heldOut();
        Session s = new Session();
        s.window = window;
        // probe: change the later half of a window, the earlier half's logits must not move
        byte[] probe = java.util.Arrays.copyOfRange(heldOut, 0, Math.min(window, heldOut.length));
        byte[] altered = probe.clone();
        int half = probe.length / 2;
        for (int i = half; i < altered.length; i++) {
            altered[i] = (byte) (altered[i] ^ 0x55);
        }
        float[] before = process.logits(probe);
        float[] after = process.logits(altered);
        for (int i = 0; i < half * ScoringProcess.VOCAB; i++) {
            double delta = Math.abs((double) before[i] - after[i]);
            if (!(delta <= CAUSALITY_TOLERANCE) && s.causalityPosition < 0) {
                s.causalityPosition = i / ScoringProcess.VOCAB;
            }
            if (Double.isFinite(delta)) {
                s.causalityDelta = Math.max(s.causalityDelta, delta);
            }
        }
        if (s.causalityPosition >= 0) {
            return s;
        }
        // windows overlap by one byte so every byte after the first is predicted exactly once
        for (int start = 0; start + 1 < heldOut.length; start += window - 1) {
            int end = Math.min(start + window, heldOut.length);
            byte[] frame = java.util.Arrays.copyOfRange(heldOut, start, end);
            float[] logits = process.logits(frame);
            for (int pos = 0; pos + 1 < frame.length; pos++) {
                s.nats += negativeLogLikelihood(logits, pos, frame[pos + 1] & 0xff);
                s.predicted++;
            }
            s.windows++;
        }
        int exit = process.finish(30);
        if (exit != 0) {
            throw new IOException("score mode exited with code " + exit + " after answering every frame");
        }
        return s;
    }

    /** -ln softmax(logits[pos])[target], by log-sum-exp in double; non-finite logits are the recipe's fault. */
    static double negativeLogLikelihood(float[] logits, int pos, int target) throws IOException {
        int base = pos * ScoringProcess.VOCAB;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < ScoringProcess.VOCAB; k++) {
            float x = logits[base + k];
            if (!Float.isFinite(x)) {
                throw new IOException("logit " + x + " at position " + pos + ", byte " + k
                        + ": score mode must return finite logits");
            }
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int k = 0; k < ScoringProcess.VOCAB; k++) {
            sum += Math.exp(logits[base + k] - max);
        }
        return max + Math.log(sum) - logits[base + target];
    }

    /** The recipe's SEQ_LEN knob when it is a plain literal, else the default; at most {@link #MAX_WINDOW}. */
    static int evalWindow(String source) {
        Matcher m = SEQ_LEN.matcher(source);
        if (!m.find()) {
            return DEFAULT_WINDOW;
        }
        int value = Integer.parseInt(m.group(1));
        return Math.max(2, Math.min(MAX_WINDOW, value));
    }

    private static String trainLogTail(EvaluationRequest request) {
        Path log = request.outDir().resolve(TRAIN_LOG);
        if (!Files.isRegularFile(log)) {
            return "";
        }
        try {
            String tail = lastLines(Files.readString(log, StandardCharsets.UTF_8), 6);
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

    /** What one scoring session measured. */
    private static final class Session {
        int window;
        int windows;
        long predicted;
        double nats;
        int causalityPosition = -1;
        double causalityDelta;
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

        void sizes(long codeBytes, long modelBytes) {
            metric("code_bytes", codeBytes);
            metric("model_bytes", modelBytes);
            metric("artifact_bytes", codeBytes + modelBytes);
        }

        Measurement fail(TrialStatus status, long artifactBytes, String feedback) {
            return measurement(status, null, artifactBytes, feedback);
        }

        Measurement scored(Session s, long artifactBytes) {
            double lossNats = s.nats / s.predicted;
            double bpb = lossNats / LN2;
            double bigram = bigramBpb();
            metric("val_bpb", bpb);
            metric("val_loss_nats", lossNats);
            metric("eval_bytes", s.predicted);
            metric("eval_windows", s.windows);
            metric("causality_max_delta", s.causalityDelta);
            metric("bigram_bpb", bigram);
            String feedback = String.format(Locale.ROOT,
                    "val_bpb %.4f over %,d held-out bytes (%s the add-one bigram's %.4f); artifact %,d B of the %,d B cap.",
                    bpb, s.predicted, bpb < bigram ? "beats" : "worse than", bigram, artifactBytes,
                    task.artifactCapBytes());
            return measurement(TrialStatus.scored, bpb, artifactBytes, feedback);
        }

        private Measurement measurement(TrialStatus status, Double score, long artifactBytes, String feedback) {
            double evalSeconds = (System.nanoTime() - startedNanos) / 1e9;
            return new Measurement(status, score, Direction.lower, metrics, request.trainSeconds(), evalSeconds,
                    artifactBytes, request.seed(), NAME, VERSION, data().fingerprint(), feedback);
        }
    }
}
