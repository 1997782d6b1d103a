// golf-mini: a byte-level looped transformer LM (prelude -> shared core looped T times -> coda)
// trained on CPU with DJL (PyTorch engine). One file on purpose: the recipe is the unit a trial edits.
//
//   train: java -XX:+UseSerialGC -Dai.djl.offline=true -cp <djl classpath> Recipe.java train
//          env LOOPLAB_DATA, LOOPLAB_OUT, LOOPLAB_METRICS, LOOPLAB_BUDGET_S, LOOPLAB_SEED, LOOPLAB_THREADS
//          (optional LOOPLAB_STEPS: train exactly that many steps, schedule by step; bit-reproducible;
//           LOOPLAB_STOP_STEP: stop after that many of them, as a budgeted run cut short by its deadline did)
//          (LOOPLAB_BUDGET_CLOCK=cpu: the budget counts this process's CPU seconds, as the worker does for CPU tasks,
//           and LOOPLAB_WALL_CEILING_S, when set, is the wall-clock limit it also stops before;
//           wall or unset: seconds on the clock since the JVM started)
//          A budgeted run times steps PLAN_TIMED_FROM..PLAN_AFTER_STEPS, then fixes its step count and schedules
//          by step from there: the metrics record planned_steps and train_steps, and a replay with
//          LOOPLAB_STEPS=planned_steps (and LOOPLAB_STOP_STEP=train_steps when fewer) repeats it bit for bit.
//          That holds only while no op that needs a gradient gets a Java number as an operand (x.mul(0.5f)):
//          use constant(name, value) instead; Model.constant says why.
//   score: java -XX:+UseSerialGC -Dai.djl.offline=true -cp <djl classpath> Recipe.java score <artifactDir>
//          stdin frames [int32 BE n][n bytes] -> stdout n*256 float32 BE logits per frame.

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

public class Recipe {

    // ---- knobs: one per line, each tagged with the surface that may edit it ----
    static final int D_MODEL = 96; // @knob surface=architecture range=[32,256]
    static final int HEADS = 4; // @knob surface=architecture range=[1,8]
    static final int MLP_RATIO = 3; // @knob surface=architecture range=[1,6]
    static final int PRELUDE_LAYERS = 1; // @knob surface=architecture range=[0,4]
    static final int CORE_LAYERS = 1; // @knob surface=loop range=[1,4]
    static final int CODA_LAYERS = 1; // @knob surface=architecture range=[0,4]
    static final boolean TIED_EMBEDDINGS = false; // @knob surface=architecture range={true,false}
    static final String ACTIVATION = "relu2"; // @knob surface=architecture range={gelu,relu2}
    static final int MEAN_LOOPS = 3; // @knob surface=loop range=[1,12]
    static final String LOOP_SAMPLING = "fixed"; // @knob surface=loop range={fixed,poisson}
    static final int BACKPROP_LOOPS = 0; // @knob surface=loop range=[0,12]
    static final String INJECTION = "diagonal"; // @knob surface=loop range={add,linear,diagonal}
    static final float LR = 1e-2f; // @knob surface=optimizer range=[1e-4,3e-2]
    static final float BETA1 = 0.9f; // @knob surface=optimizer range=[0.5,0.99]
    static final float BETA2 = 0.95f; // @knob surface=optimizer range=[0.9,0.999]
    static final float GRAD_CLIP = 1.0f; // @knob surface=optimizer range=[0,10]
    static final int WARMUP_STEPS = 5; // @knob surface=schedule range=[0,500]
    static final float WARMDOWN_FRAC = 0.3f; // @knob surface=schedule range=[0,1]
    static final int BATCH = 8; // @knob surface=data range=[1,64]
    static final int SEQ_LEN = 128; // @knob surface=data range=[16,512]
    static final float WEIGHT_DECAY = 0.1f; // @knob surface=regularisation range=[0,0.3]
    static final float INIT_STD = 0.02f; // @knob surface=regularisation range=[0.005,0.1]
    static final int QUANT_BITS = 8; // @knob surface=compression range=[4,8]
    static final int ZLIB_LEVEL = 9; // @knob surface=compression range=[1,9]

    // BACKPROP_LOOPS = 0 means backprop through every loop; k > 0 runs the first T-k loops without gradient.
    static final int HEAD_DIM = D_MODEL / HEADS;
    static final int FORMAT_VERSION = 1;
    static final float RMS_EPS = 1e-6f;
    static final float ADAM_EPS = 1e-8f;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("missing mode");
        }
        switch (args[0]) {
            case "train" -> train();
            case "score" -> {
                if (args.length != 2) {
                    usage("score needs the artifact directory");
                }
                score(Path.of(args[1]));
            }
            default -> usage("unknown mode '" + args[0] + "'");
        }
    }

    static void usage(String why) {
        System.err.println(why + ": use 'Recipe.java train' (env LOOPLAB_*) or 'Recipe.java score <artifactDir>'");
        System.exit(2);
    }

    // ---------------------------------------------------------------- model

    /** Named parameters in creation order; the order is the export format. */
    static final class Params {
        final NDManager manager;
        final Map<String, NDArray> byName = new LinkedHashMap<>();
        final Map<String, Boolean> decay = new HashMap<>();

        Params(NDManager manager) {
            this.manager = manager;
        }

        NDArray add(String name, float[] values, Shape shape, boolean decayed) {
            NDArray array = manager.create(values, shape);
            array.setRequiresGradient(true);
            byName.put(name, array);
            decay.put(name, decayed);
            return array;
        }

        NDArray get(String name) {
            return byName.get(name);
        }
    }

    static final class Model {
        final Params p;
        final int blocks = PRELUDE_LAYERS + CORE_LAYERS + CODA_LAYERS;
        final Map<Integer, NDArray> masks = new HashMap<>();
        final Map<String, NDArray> constants = new HashMap<>();

        Model(NDManager manager, SplittableRandom rng) {
            p = new Params(manager);
            int d = D_MODEL;
            p.add("tok_emb", normal(rng, 256 * d, INIT_STD), new Shape(256, d), true);
            p.add("pos_emb", normal(rng, SEQ_LEN * d, INIT_STD), new Shape(SEQ_LEN, d), true);
            for (int b = 0; b < blocks; b++) {
                String n = "block" + b + ".";
                p.add(n + "norm1", ones(d), new Shape(d), false);
                p.add(n + "wqkv", normal(rng, d * 3 * d, INIT_STD), new Shape(d, 3 * d), true);
                // zero-initialised output projections: each block starts as the identity
                p.add(n + "wo", new float[d * d], new Shape(d, d), true);
                p.add(n + "norm2", ones(d), new Shape(d), false);
                p.add(n + "w1", normal(rng, d * MLP_RATIO * d, INIT_STD), new Shape(d, MLP_RATIO * d), true);
                p.add(n + "w2", new float[MLP_RATIO * d * d], new Shape(MLP_RATIO * d, d), true);
            }
            p.add("inject_norm", ones(d), new Shape(d), false);
            switch (INJECTION) {
                case "add" -> { }
                case "linear" -> {
                    // h <- [h; e] W, W initialised to [I; I] so it starts as the additive injection
                    float[] w = new float[2 * d * d];
                    for (int i = 0; i < d; i++) {
                        w[i * d + i] = 1f;
                        w[(d + i) * d + i] = 1f;
                    }
                    p.add("inject_w", w, new Shape(2 * d, d), true);
                }
                case "diagonal" -> {
                    // Parcae: h <- exp(-dt*A) h + dt (e B); A = exp(A_log), dt = softplus(dt_bias); decay starts at 0.447
                    float dtBias = (float) Math.log(Math.exp(-Math.log(0.447)) - 1.0);
                    float[] bias = new float[d];
                    java.util.Arrays.fill(bias, dtBias);
                    p.add("inject_a_log", new float[d], new Shape(d), false);
                    p.add("inject_dt_bias", bias, new Shape(d), false);
                    float[] eye = new float[d * d];
                    for (int i = 0; i < d; i++) {
                        eye[i * d + i] = 1f;
                    }
                    p.add("inject_b", eye, new Shape(d, d), false);
                }
                default -> throw new IllegalArgumentException("INJECTION must be add, linear or diagonal, not " + INJECTION);
            }
            p.add("final_norm", ones(d), new Shape(d), false);
            if (!TIED_EMBEDDINGS) {
                p.add("head", normal(rng, d * 256, INIT_STD), new Shape(d, 256), true);
            }
            if (!ACTIVATION.equals("gelu") && !ACTIVATION.equals("relu2")) {
                throw new IllegalArgumentException("ACTIVATION must be gelu or relu2, not " + ACTIVATION);
            }
            if (D_MODEL % HEADS != 0) {
                throw new IllegalArgumentException("D_MODEL " + D_MODEL + " must be divisible by HEADS " + HEADS);
            }
        }

        /** Logits (B, L, 256) for byte ids (B, L); loops = T, the first {@code noGradLoops} loops carry no gradient. */
        NDArray forward(NDArray ids, int loops, int noGradLoops) {
            long len = ids.getShape().get(1);
            NDArray x = Embedding.embedding(ids, p.get("tok_emb"), SparseFormat.DENSE).singletonOrThrow();
            x = x.add(p.get("pos_emb").get("0:" + len));
            // unit RMS from the start: with 0.02-scale embeddings the blocks' first updates swamp the token
            // identity in the residual stream and training stalls at the unigram loss
            x = x.div(x.square().mean(new int[] {2}, true).add(RMS_EPS).sqrt());
            int b = 0;
            for (int i = 0; i < PRELUDE_LAYERS; i++) {
                x = block(x, b++);
            }
            NDArray e = rmsNorm(x, p.get("inject_norm"));
            NDArray eInjected = INJECTION.equals("diagonal") ? e.matMul(p.get("inject_b")).mul(dt()) : e;
            NDArray decay = INJECTION.equals("diagonal") ? dt().mul(p.get("inject_a_log").exp()).neg().exp() : null;
            int coreStart = b;
            NDArray h = null;
            boolean recording = JniUtils.isGradMode();
            if (recording && noGradLoops > 0) {
                // truncated backprop: the first loops run without a graph, later loops see their state as a constant
                JniUtils.setGradMode(false);
            }
            for (int t = 0; t < loops; t++) {
                if (recording && t == noGradLoops && noGradLoops > 0) {
                    JniUtils.setGradMode(true);
                }
                h = inject(h, e, eInjected, decay);
                for (int i = 0; i < CORE_LAYERS; i++) {
                    h = block(h, coreStart + i);
                }
            }
            if (recording) {
                JniUtils.setGradMode(true);
            }
            b = coreStart + CORE_LAYERS;
            for (int i = 0; i < CODA_LAYERS; i++) {
                h = block(h, b++);
            }
            h = rmsNorm(h, p.get("final_norm"));
            return TIED_EMBEDDINGS ? h.matMul(p.get("tok_emb").transpose()) : h.matMul(p.get("head"));
        }

        NDArray dt() {
            return Activation.softPlus(p.get("inject_dt_bias"));
        }

        NDArray inject(NDArray h, NDArray e, NDArray eInjected, NDArray decay) {
            switch (INJECTION) {
                case "add":
                    return h == null ? e : h.add(e);
                case "linear":
                    NDArray state = h == null ? e.zerosLike() : h;
                    return NDArrays.concat(state, e).matMul(p.get("inject_w"));
                default:
                    return h == null ? eInjected : h.mul(decay).add(eInjected);
            }
        }

        NDArray block(NDArray x, int index) {
            String n = "block" + index + ".";
            x = x.add(attention(rmsNorm(x, p.get(n + "norm1")), p.get(n + "wqkv"), p.get(n + "wo")));
            NDArray hidden = rmsNorm(x, p.get(n + "norm2")).matMul(p.get(n + "w1"));
            hidden = ACTIVATION.equals("gelu") ? Activation.gelu(hidden) : Activation.relu(hidden).square();
            return x.add(hidden.matMul(p.get(n + "w2")));
        }

        NDArray attention(NDArray x, NDArray wqkv, NDArray wo) {
            Shape s = x.getShape();
            long batch = s.get(0);
            long len = s.get(1);
            NDList qkv = x.matMul(wqkv).split(3, 2);
            NDArray q = heads(qkv.get(0), batch, len);
            NDArray k = heads(qkv.get(1), batch, len);
            NDArray v = heads(qkv.get(2), batch, len);
            // the scale is a tensor PyTorch owns, not a Java float: see constant()
            NDArray scale = constant("attention_scale", 1.0f / (float) Math.sqrt(HEAD_DIM));
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
            scores = scores.add(causalMask(x.getManager(), len)); // causal: position i sees only j <= i
            NDArray out = scores.softmax(3).matMul(v);
            return out.transpose(0, 2, 1, 3).reshape(batch, len, D_MODEL).matMul(wo);
        }

        /**
         * A scalar operand for an op whose result needs a gradient. Never pass a Java number there: DJL wraps
         * it in a tensor over a direct buffer and closes that at once, autograd keeps a pointer to it for the
         * backward pass, and when the garbage collector frees the buffer in between, backward reads freed
         * memory (wrong gradients, now and then NaN, differing from run to run). {@code full} makes a tensor
         * in memory PyTorch owns and counts references to; it is cached, so each step reuses it.
         */
        NDArray constant(String name, float value) {
            NDArray c = constants.get(name);
            if (c == null) {
                c = p.manager.full(new Shape(), value);
                NDScope.unregister(c); // cached across steps: must outlive the step's scope
                constants.put(name, c);
            }
            return c;
        }

        NDArray heads(NDArray x, long batch, long len) {
            return x.reshape(batch, len, HEADS, HEAD_DIM).transpose(0, 2, 1, 3);
        }

        NDArray causalMask(NDManager manager, long len) {
            NDArray mask = masks.get((int) len);
            if (mask == null) {
                float[] m = new float[(int) (len * len)];
                for (int i = 0; i < len; i++) {
                    for (int j = i + 1; j < len; j++) {
                        m[(int) (i * len + j)] = -1e9f;
                    }
                }
                mask = p.manager.create(m, new Shape(len, len));
                NDScope.unregister(mask); // cached across steps: must outlive the step's scope
                masks.put((int) len, mask);
            }
            return mask;
        }

        static NDArray rmsNorm(NDArray x, NDArray gain) {
            NDArray rms = x.square().mean(new int[] {2}, true).add(RMS_EPS).sqrt();
            return x.div(rms).mul(gain);
        }
    }

    /** Thin helper so the injection reads as one line. */
    static final class NDArrays {
        static NDArray concat(NDArray a, NDArray b) {
            return a.concat(b, 2);
        }
    }

    static float[] normal(SplittableRandom rng, int n, float std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller from the seeded generator: init must not depend on the engine's RNG
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            out[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * std);
        }
        return out;
    }

    static float[] ones(int n) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, 1f);
        return out;
    }

    static int evalLoops() {
        return Math.max(1, MEAN_LOOPS);
    }

    // ---------------------------------------------------------------- engine

    static int threads() {
        String raw = System.getenv().getOrDefault("LOOPLAB_THREADS", "1");
        int threads = Integer.parseInt(raw.trim());
        if (threads < 1) {
            throw new IllegalArgumentException("LOOPLAB_THREADS must be >= 1, got " + raw);
        }
        return threads;
    }

    static Engine startEngine(int threads) {
        // must be set before the engine loads: PyTorch reads them once
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine engine = Engine.getEngine("PyTorch");
        JniUtils.setGradMode(false);
        return engine;
    }

    // ---------------------------------------------------------------- train

    static void train() throws Exception {
        long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        Path data = Path.of(requireEnv("LOOPLAB_DATA"));
        Path out = Path.of(requireEnv("LOOPLAB_OUT"));
        Path metrics = Path.of(requireEnv("LOOPLAB_METRICS"));
        double budget = Double.parseDouble(requireEnv("LOOPLAB_BUDGET_S"));
        long seed = Long.parseLong(requireEnv("LOOPLAB_SEED").trim());
        String fixedSteps = System.getenv("LOOPLAB_STEPS");
        int maxSteps = fixedSteps == null || fixedSteps.isBlank() ? Integer.MAX_VALUE : Integer.parseInt(fixedSteps.trim());
        String stopStep = System.getenv("LOOPLAB_STOP_STEP");
        int stopAfter = stopStep == null || stopStep.isBlank() ? Integer.MAX_VALUE : Integer.parseInt(stopStep.trim());
        int threads = threads();
        Files.createDirectories(out);
        if (metrics.getParent() != null) {
            Files.createDirectories(metrics.getParent());
        }
        byte[] text = Files.readAllBytes(data);
        if (text.length < SEQ_LEN + 2) {
            throw new IllegalArgumentException("LOOPLAB_DATA " + data + " has " + text.length
                    + " bytes; need more than SEQ_LEN + 1 = " + (SEQ_LEN + 1));
        }
        // leave room for export and JVM exit: 1.5 s plus 5% of the budget, on the clock the budget counts
        BudgetClock clock = BudgetClock.fromEnv(jvmStartMs);
        long deadlineMs = (long) (budget * 1000 * 0.95 - 1500);
        String ceilingEnv = System.getenv("LOOPLAB_WALL_CEILING_S");
        // on a very busy machine the worker's wall-clock ceiling comes before the CPU budget: stop short of it too
        long ceilingMs = ceilingEnv == null || ceilingEnv.isBlank() ? Long.MAX_VALUE
                : jvmStartMs + (long) (positiveSeconds("LOOPLAB_WALL_CEILING_S", ceilingEnv) * 1000 * 0.95 - 1500);

        Engine engine = startEngine(threads);
        SplittableRandom rng = new SplittableRandom(seed);
        SplittableRandom initRng = rng.split();
        SplittableRandom batchRng = rng.split();
        SplittableRandom loopRng = rng.split();
        try (NDManager manager = engine.newBaseManager();
             Writer log = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            Model model = new Model(manager, initRng);
            List<String> names = new ArrayList<>(model.p.byName.keySet());
            Map<String, NDArray> m1 = new HashMap<>();
            Map<String, NDArray> m2 = new HashMap<>();
            for (String name : names) {
                m1.put(name, model.p.get(name).zerosLike());
                m2.put(name, model.p.get(name).zerosLike());
            }
            long params = names.stream().mapToLong(n -> model.p.get(n).size()).sum();
            System.err.printf(Locale.ROOT, "golf-mini: %d parameters, budget %.1f s, threads %d, seed %d%n",
                    params, budget, threads, seed);

            long trainStartMs = System.currentTimeMillis();
            long trainStartClock = clock.millis();
            double lastStepMs = 0;
            long lastStepWallMs = 0;
            long planStartMs = trainStartClock;
            int step = 0;
            double emaLoss = Double.NaN;
            while (step < maxSteps && step < stopAfter) {
                long now = clock.millis();
                if (step == PLAN_AFTER_STEPS && maxSteps == Integer.MAX_VALUE) {
                    // from here the schedule is by step, so a replay given this count trains the same numbers
                    double msPerStep = (now - planStartMs) / (double) (PLAN_AFTER_STEPS - PLAN_TIMED_FROM);
                    maxSteps = step + (int) Math.max(1, Math.floor((deadlineMs - now) / Math.max(1.0, msPerStep) * 0.9));
                    metric(log, step, "planned_steps", maxSteps, (System.currentTimeMillis() - trainStartMs) / 1000.0);
                    System.err.printf(Locale.ROOT, "golf-mini: planned %d steps at %.0f %s ms/step%n", maxSteps,
                            msPerStep, clock.name);
                }
                if (step == PLAN_TIMED_FROM) {
                    planStartMs = now;
                }
                if (now + lastStepMs * 1.5 > deadlineMs
                        || System.currentTimeMillis() + lastStepWallMs * 1.5 > ceilingMs) {
                    break;
                }
                long stepStartMs = System.currentTimeMillis();
                // the first PLAN_AFTER_STEPS steps are scheduled as if no end were known, in both modes
                double progress = maxSteps == Integer.MAX_VALUE || step < PLAN_AFTER_STEPS ? 0.0 : step / (double) maxSteps;
                float lr = learningRate(step, progress);
                int loops = sampleLoops(loopRng);
                int noGrad = BACKPROP_LOOPS > 0 ? Math.max(0, loops - BACKPROP_LOOPS) : 0;
                int[][] batch = sampleBatch(text, batchRng);
                float loss;
                // the first step runs outside a scope: PyTorch creates the gradient buffers there
                NDScope scope = step == 0 ? null : new NDScope();
                try {
                    loss = trainStep(manager, model, names, m1, m2, batch, loops, noGrad, lr, step + 1);
                } finally {
                    if (scope != null) {
                        scope.close();
                    }
                }
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("training diverged at step " + step + " (loss " + loss
                            + "): lower LR or raise GRAD_CLIP");
                }
                step++;
                long after = System.currentTimeMillis();
                // the first step pays one-off costs (allocator, kernels): it says nothing about the next one
                lastStepMs = step == 1 ? 0 : clock.millis() - now;
                lastStepWallMs = step == 1 ? 0 : after - stepStartMs;
                emaLoss = Double.isNaN(emaLoss) ? loss : 0.9 * emaLoss + 0.1 * loss;
                if (step % 10 == 0 || step <= 3 || System.getenv("LOOPLAB_VERBOSE") != null) {
                    double wall = (after - trainStartMs) / 1000.0;
                    metric(log, step, "train_loss", loss, wall);
                    metric(log, step, "lr", lr, wall);
                    System.err.printf(Locale.ROOT, "step %d loss %.4f (ema %.4f) lr %.5f loops %d %.0f ms/step%n",
                            step, loss, emaLoss, lr, loops, lastStepMs);
                }
            }
            double wall = (System.currentTimeMillis() - trainStartMs) / 1000.0;
            // a run stopped before it planned was scheduled as if endless: its own step count replays it
            metric(log, step, "planned_steps", maxSteps == Integer.MAX_VALUE ? step : maxSteps, wall);
            metric(log, step, "train_steps", step, wall);
            metric(log, step, "train_tokens", (double) step * BATCH * SEQ_LEN, wall);
            metric(log, step, "train_cpu_seconds", BudgetClock.processCpuMillis() / 1000.0, wall);
            if (step == 0) {
                throw new IllegalStateException("budget " + budget + " " + clock.name + " s"
                        + (ceilingEnv == null || ceilingEnv.isBlank() ? "" : " (wall-clock ceiling " + ceilingEnv.trim()
                        + " s, reached first on a busy machine)") + " left no time for a single step");
            }
            long bytes = export(model.p, out.resolve("model.bin"));
            metric(log, step, "model_bytes", bytes, wall);
            System.err.printf(Locale.ROOT, "golf-mini: %d steps in %.1f s, model.bin %d bytes%n", step, wall, bytes);
        }
    }

    /**
     * The clock the budget counts, in milliseconds: this process's CPU time (all threads, from JVM start), so
     * other work on the machine does not shrink the steps planned, or the wall clock since the JVM started.
     */
    record BudgetClock(String name, java.util.function.LongSupplier clock) {
        static BudgetClock fromEnv(long jvmStartMs) {
            String value = System.getenv("LOOPLAB_BUDGET_CLOCK");
            String name = value == null || value.isBlank() ? "wall" : value.strip();
            return switch (name) {
                case "cpu" -> new BudgetClock("CPU", BudgetClock::processCpuMillis);
                case "wall" -> new BudgetClock("wall", () -> System.currentTimeMillis() - jvmStartMs);
                default -> throw new IllegalArgumentException("LOOPLAB_BUDGET_CLOCK is '" + value
                        + "': use cpu (CPU seconds of this process) or wall (seconds on the clock)");
            };
        }

        static long processCpuMillis() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1_000_000L;
        }

        long millis() {
            return clock.getAsLong();
        }
    }

    static double positiveSeconds(String name, String value) {
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " is '" + value + "': set a number of seconds > 0");
    }

    /** Steps run before a budgeted run fixes its step count. */
    static final int PLAN_AFTER_STEPS = 16;
    /**
     * Steps before the timed ones: the first steps pay one-off costs and run while the JIT still compiles, and on a
     * busy machine the JIT gets less of it, so timing them planned a third fewer steps beside a CPU hog.
     */
    static final int PLAN_TIMED_FROM = 6;

    static float learningRate(int step, double progress) {
        float warm = WARMUP_STEPS > 0 ? Math.min(1f, (step + 1) / (float) WARMUP_STEPS) : 1f;
        float down = 1f;
        if (WARMDOWN_FRAC > 0 && progress > 1 - WARMDOWN_FRAC) {
            down = (float) Math.max(0.0, (1 - progress) / WARMDOWN_FRAC);
        }
        return LR * warm * Math.max(down, 0.02f);
    }

    static int sampleLoops(SplittableRandom rng) {
        if (LOOP_SAMPLING.equals("fixed")) {
            return Math.max(1, MEAN_LOOPS);
        }
        if (!LOOP_SAMPLING.equals("poisson")) {
            throw new IllegalArgumentException("LOOP_SAMPLING must be fixed or poisson, not " + LOOP_SAMPLING);
        }
        // Knuth's Poisson sampler; capped at 3x the mean so one step cannot eat the budget
        double limit = Math.exp(-MEAN_LOOPS);
        double product = rng.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= rng.nextDouble();
            k++;
        }
        return Math.max(1, Math.min(k, 3 * MEAN_LOOPS));
    }

    static int[][] sampleBatch(byte[] text, SplittableRandom rng) {
        int[] inputs = new int[BATCH * SEQ_LEN];
        int[] targets = new int[BATCH * SEQ_LEN];
        for (int b = 0; b < BATCH; b++) {
            int start = rng.nextInt(text.length - SEQ_LEN - 1);
            for (int i = 0; i < SEQ_LEN; i++) {
                inputs[b * SEQ_LEN + i] = text[start + i] & 0xff;
                targets[b * SEQ_LEN + i] = text[start + i + 1] & 0xff;
            }
        }
        return new int[][] {inputs, targets};
    }

    static float trainStep(NDManager manager, Model model, List<String> names, Map<String, NDArray> m1,
                           Map<String, NDArray> m2, int[][] batch, int loops, int noGrad, float lr, int t) {
        NDArray ids = manager.create(batch[0], new Shape(BATCH, SEQ_LEN)).toType(DataType.INT64, false);
        NDArray targets = manager.create(batch[1], new Shape(BATCH * SEQ_LEN, 1)).toType(DataType.INT64, false);
        float lossValue;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray logits = model.forward(ids, loops, noGrad).reshape(BATCH * SEQ_LEN, 256);
            NDArray loss = logits.logSoftmax(1).gather(targets, 1).mean().neg();
            collector.backward(loss);
            lossValue = loss.getFloat();
        }
        // global gradient clipping, then AdamW with decoupled weight decay on matrices only
        NDArray sq = null;
        List<NDArray> grads = new ArrayList<>(names.size());
        for (String name : names) {
            NDArray g = model.p.get(name).getGradient();
            grads.add(g);
            NDArray s = g.square().sum();
            sq = sq == null ? s : sq.add(s);
        }
        float norm = (float) Math.sqrt(sq.getFloat());
        float scale = GRAD_CLIP > 0 && norm > GRAD_CLIP ? GRAD_CLIP / norm : 1f;
        float bc1 = 1f - (float) Math.pow(BETA1, t);
        float bc2 = 1f - (float) Math.pow(BETA2, t);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            NDArray param = model.p.get(name);
            NDArray g = scale == 1f ? grads.get(i) : grads.get(i).mul(scale);
            NDArray a = m1.get(name);
            NDArray b = m2.get(name);
            a.muli(BETA1).addi(g.mul(1f - BETA1));
            b.muli(BETA2).addi(g.square().mul(1f - BETA2));
            NDArray update = a.div(bc1).div(b.div(bc2).sqrt().add(ADAM_EPS)).mul(lr);
            if (model.p.decay.get(name) && WEIGHT_DECAY > 0) {
                param.muli(1f - lr * WEIGHT_DECAY);
            }
            param.subi(update);
            JniUtils.zeroGrad((PtNDArray) param);
        }
        return lossValue;
    }

    static void metric(Writer log, int step, String name, double value, double wallclock) throws IOException {
        log.write(String.format(Locale.ROOT, "{\"step\":%d,\"name\":\"%s\",\"value\":%s,\"wallclock\":%.3f}%n",
                step, name, Double.isFinite(value) ? Double.toString(value) : "null", wallclock));
        log.flush();
    }

    static String requireEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set; the worker sets it for train mode");
        }
        return value;
    }

    // ---------------------------------------------------------------- export: per-row int8 + zlib

    static long export(Params p, Path file) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(ZLIB_LEVEL);
        try (DataOutputStream outData = new DataOutputStream(new DeflaterOutputStream(raw, deflater))) {
            outData.writeInt(0x4c4c474d); // "LLGM"
            outData.writeInt(FORMAT_VERSION);
            outData.writeInt(p.byName.size());
            int levels = (1 << (QUANT_BITS - 1)) - 1;
            for (Map.Entry<String, NDArray> entry : p.byName.entrySet()) {
                NDArray array = entry.getValue();
                long[] shape = array.getShape().getShape();
                float[] values = array.toFloatArray();
                outData.writeUTF(entry.getKey());
                outData.writeByte(shape.length);
                for (long dim : shape) {
                    outData.writeInt((int) dim);
                }
                if (shape.length != 2) {
                    // vectors (norm gains, decay parameters) are tiny: keep them exact
                    outData.writeByte(0);
                    for (float v : values) {
                        outData.writeFloat(v);
                    }
                    continue;
                }
                outData.writeByte(1);
                int rows = (int) shape[0];
                int cols = (int) shape[1];
                float[] scales = new float[rows];
                for (int r = 0; r < rows; r++) {
                    float max = 0f;
                    for (int c = 0; c < cols; c++) {
                        max = Math.max(max, Math.abs(values[r * cols + c]));
                    }
                    scales[r] = max == 0f ? 1f : max / levels;
                    outData.writeFloat(scales[r]);
                }
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int q = Math.round(values[r * cols + c] / scales[r]);
                        outData.writeByte(Math.max(-levels, Math.min(levels, q)));
                    }
                }
            }
        } finally {
            deflater.end();
        }
        Files.write(file, raw.toByteArray());
        return raw.size();
    }

    static void load(Params p, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new InflaterInputStream(Files.newInputStream(file))))) {
            if (in.readInt() != 0x4c4c474d || in.readInt() != FORMAT_VERSION) {
                throw new IOException(file + " is not a golf-mini model.bin of format " + FORMAT_VERSION);
            }
            int count = in.readInt();
            if (count != p.byName.size()) {
                throw new IOException(file + " holds " + count + " tensors, this recipe builds " + p.byName.size()
                        + ": the artifact was trained with other knobs");
            }
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                NDArray target = p.get(name);
                int ndim = in.readByte();
                long[] shape = new long[ndim];
                for (int d = 0; d < ndim; d++) {
                    shape[d] = in.readInt();
                }
                if (target == null || !target.getShape().equals(new Shape(shape))) {
                    throw new IOException("tensor " + name + " " + new Shape(shape) + " does not match this recipe: "
                            + "the artifact was trained with other knobs");
                }
                float[] values = new float[(int) target.size()];
                int kind = in.readByte();
                if (kind == 0) {
                    for (int k = 0; k < values.length; k++) {
                        values[k] = in.readFloat();
                    }
                } else {
                    int rows = (int) shape[0];
                    int cols = (int) shape[1];
                    float[] scales = new float[rows];
                    for (int r = 0; r < rows; r++) {
                        scales[r] = in.readFloat();
                    }
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            values[r * cols + c] = in.readByte() * scales[r];
                        }
                    }
                }
                target.set(values);
            }
        }
    }

    // ---------------------------------------------------------------- score

    static void score(Path artifactDir) throws Exception {
        // stdout carries only logits: anything else a library prints goes to stderr
        PrintStream stdout = System.out;
        System.setOut(System.err);
        Engine engine = startEngine(threads());
        try (NDManager manager = engine.newBaseManager()) {
            Model model = new Model(manager, new SplittableRandom(0));
            load(model.p, artifactDir.resolve("model.bin"));
            for (NDArray array : model.p.byName.values()) {
                array.setRequiresGradient(false);
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
            OutputStream out = new BufferedOutputStream(stdout, 1 << 16);
            while (true) {
                int n;
                try {
                    n = in.readInt();
                } catch (EOFException eof) {
                    break;
                }
                if (n < 1 || n > SEQ_LEN) {
                    throw new IOException("frame of " + n + " bytes: score frames must hold 1.." + SEQ_LEN + " bytes");
                }
                byte[] window = new byte[n];
                in.readFully(window);
                int[] ids = new int[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = window[i] & 0xff;
                }
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    NDArray input = manager.create(ids, new Shape(1, n)).toType(DataType.INT64, false);
                    logits = model.forward(input, evalLoops(), 0).toFloatArray();
                }
                ByteBuffer buffer = ByteBuffer.allocate(logits.length * 4);
                buffer.asFloatBuffer().put(logits);
                out.write(buffer.array());
                out.flush();
            }
        }
    }
}
