// airbench-mini: a small CNN on Fashion-MNIST trained with DJL (PyTorch engine) on CPU. The score is the
// training wallclock per run, the gate is the evaluator's mean test accuracy over LOOPLAB_RUNS runs.
// One file on purpose: the recipe is the unit a trial edits.
//
//   train: java -XX:+UseSerialGC -Dai.djl.offline=true -cp <djl classpath> Recipe.java train
//          env LOOPLAB_DATA (the training IDX images then labels, uncompressed, in one file), LOOPLAB_OUT,
//          LOOPLAB_METRICS, LOOPLAB_SEED, LOOPLAB_RUNS (independent models to train), LOOPLAB_THREADS
//   score: java -XX:+UseSerialGC -Dai.djl.offline=true -cp <djl classpath> Recipe.java score <artifactDir>
//          stdin frames [int32 BE run][int32 BE n][n * 784 pixel bytes] -> stdout n * 10 float32 BE logits.

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
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

public class Recipe {

    // ---- knobs: one per line, each tagged with the surface that may edit it ----
    static final int WIDTH1 = 8; // @knob surface=architecture range=[4,64]
    static final int WIDTH2 = 16; // @knob surface=architecture range=[8,128]
    static final int DEPTH = 2; // @knob surface=architecture range=[1,3]
    static final boolean BATCH_NORM = true; // @knob surface=architecture range={true,false}
    static final String OPTIMIZER = "nesterov"; // @knob surface=optimizer range={nesterov,adamw}
    static final float LR = 0.1f; // @knob surface=optimizer range=[0,0.5]
    static final float MOMENTUM = 0.9f; // @knob surface=optimizer range=[0,0.99]
    static final float WEIGHT_DECAY = 5e-4f; // @knob surface=optimizer range=[0,1e-2]
    static final int BATCH = 256; // @knob surface=optimizer range=[16,1024]
    static final float EPOCHS = 1.0f; // @knob surface=schedule range=[0.01,5]
    static final String LR_SCHEDULE = "onecycle"; // @knob surface=schedule range={constant,linear,onecycle}
    static final float WARMUP_FRAC = 0.15f; // @knob surface=schedule range=[0,0.5]
    static final String AUGMENT = "none"; // @knob surface=augmentation range={none,flip,flip_translate}
    static final int TRANSLATE = 2; // @knob surface=augmentation range=[0,4]
    static final float LABEL_SMOOTHING = 0.1f; // @knob surface=loss range=[0,0.3]
    static final boolean TTA_FLIP = false; // @knob surface=eval range={true,false}

    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;
    static final int CLASSES = 10;
    static final int FORMAT_VERSION = 1;
    // Fashion-MNIST training-set pixel statistics (of x / 255)
    static final float PIXEL_MEAN = 0.2860f;
    static final float PIXEL_STD = 0.3530f;
    static final float BN_EPS = 1e-5f;
    // DJL's (MXNet's) convention: the weight kept by the old running statistics at each step
    static final float BN_MOMENTUM = 0.9f;
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

    /** Named tensors in creation order (the export format); buffers (BN running stats) carry no gradient. */
    static final class Params {
        final NDManager manager;
        final Map<String, NDArray> byName = new LinkedHashMap<>();
        final Map<String, Boolean> decay = new HashMap<>();
        final List<String> trainable = new ArrayList<>();

        Params(NDManager manager) {
            this.manager = manager;
        }

        NDArray add(String name, float[] values, Shape shape, boolean decayed) {
            NDArray array = manager.create(values, shape);
            array.setRequiresGradient(true);
            byName.put(name, array);
            decay.put(name, decayed);
            trainable.add(name);
            return array;
        }

        NDArray buffer(String name, float[] values, Shape shape) {
            NDArray array = manager.create(values, shape);
            byName.put(name, array);
            return array;
        }

        NDArray get(String name) {
            return byName.get(name);
        }
    }

    /** DEPTH blocks of conv3x3 (+BN) + ReLU + maxpool2, then a linear classifier on the flattened map. */
    static final class Model {
        final Params p;
        final int[] widths = new int[DEPTH];
        int side = SIDE;

        Model(NDManager manager, SplittableRandom rng) {
            if (DEPTH < 1 || DEPTH > 3) {
                throw new IllegalArgumentException("DEPTH must be 1..3 (28 -> 14 -> 7 -> 3 pixels), not " + DEPTH);
            }
            if (!OPTIMIZER.equals("nesterov") && !OPTIMIZER.equals("adamw")) {
                throw new IllegalArgumentException("OPTIMIZER must be nesterov or adamw, not " + OPTIMIZER);
            }
            p = new Params(manager);
            int in = 1;
            for (int b = 0; b < DEPTH; b++) {
                int out = b == 0 ? WIDTH1 : WIDTH2;
                widths[b] = out;
                String n = "conv" + b + ".";
                // Kaiming-normal for ReLU: std = sqrt(2 / fan_in)
                p.add(n + "w", normal(rng, out * in * 9, (float) Math.sqrt(2.0 / (in * 9))), new Shape(out, in, 3, 3), true);
                p.add(n + "b", new float[out], new Shape(out), false);
                if (BATCH_NORM) {
                    p.add(n + "gamma", ones(out), new Shape(out), false);
                    p.add(n + "beta", new float[out], new Shape(out), false);
                    p.buffer(n + "mean", new float[out], new Shape(out));
                    p.buffer(n + "var", ones(out), new Shape(out));
                }
                in = out;
                side = side / 2;
            }
            int features = in * side * side;
            p.add("fc.w", normal(rng, CLASSES * features, (float) Math.sqrt(1.0 / features)), new Shape(CLASSES, features), true);
            p.add("fc.b", new float[CLASSES], new Shape(CLASSES), false);
        }

        /** Logits (B, 10) for normalised images (B, 1, 28, 28). */
        NDArray forward(NDArray x, boolean training) {
            for (int b = 0; b < DEPTH; b++) {
                String n = "conv" + b + ".";
                x = Conv2d.conv2d(x, p.get(n + "w"), p.get(n + "b"), new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
                if (BATCH_NORM) {
                    // in training PyTorch updates the running statistics in place
                    x = BatchNorm.batchNorm(x, p.get(n + "mean"), p.get(n + "var"), p.get(n + "gamma"), p.get(n + "beta"),
                            1, BN_MOMENTUM, BN_EPS, training).singletonOrThrow();
                }
                x = Pool.maxPool2d(Activation.relu(x), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            }
            x = x.reshape(x.getShape().get(0), -1);
            return x.matMul(p.get("fc.w").transpose()).add(p.get("fc.b"));
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

    // ---------------------------------------------------------------- data

    /** The training split: images as unsigned bytes (n * 784) and labels 0..9. */
    record Images(byte[] pixels, byte[] labels, int count) {
    }

    /** LOOPLAB_DATA holds the IDX3 images file followed by the IDX1 labels file, uncompressed. */
    static Images readTraining(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != 0x00000803) {
                throw new IOException(file + " does not start with an IDX3 images header");
            }
            int count = in.readInt();
            if (in.readInt() != SIDE || in.readInt() != SIDE) {
                throw new IOException(file + ": images are not 28x28");
            }
            byte[] pixels = new byte[count * PIXELS];
            in.readFully(pixels);
            if (in.readInt() != 0x00000801 || in.readInt() != count) {
                throw new IOException(file + ": the IDX1 labels header after the images is missing or its count differs");
            }
            byte[] labels = new byte[count];
            in.readFully(labels);
            return new Images(pixels, labels, count);
        }
    }

    /** Normalised floats (n, 1, 28, 28) of the images at {@code index[from..to)}, augmented when {@code rng} is set. */
    static float[] batchPixels(byte[] pixels, int[] index, int from, int to, SplittableRandom rng) {
        float[] out = new float[(to - from) * PIXELS];
        float zero = -PIXEL_MEAN / PIXEL_STD;
        for (int i = from; i < to; i++) {
            int src = index[i] * PIXELS;
            int dst = (i - from) * PIXELS;
            boolean flip = rng != null && !AUGMENT.equals("none") && rng.nextBoolean();
            int dx = 0;
            int dy = 0;
            if (rng != null && AUGMENT.equals("flip_translate") && TRANSLATE > 0) {
                dx = rng.nextInt(2 * TRANSLATE + 1) - TRANSLATE;
                dy = rng.nextInt(2 * TRANSLATE + 1) - TRANSLATE;
            }
            for (int y = 0; y < SIDE; y++) {
                int sy = y + dy;
                for (int x = 0; x < SIDE; x++) {
                    int sx = (flip ? SIDE - 1 - x : x) + dx;
                    out[dst + y * SIDE + x] = sy < 0 || sy >= SIDE || sx < 0 || sx >= SIDE
                            ? zero
                            : ((pixels[src + sy * SIDE + sx] & 0xff) / 255f - PIXEL_MEAN) / PIXEL_STD;
                }
            }
        }
        return out;
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
        Path data = Path.of(requireEnv("LOOPLAB_DATA"));
        Path out = Path.of(requireEnv("LOOPLAB_OUT"));
        Path metrics = Path.of(requireEnv("LOOPLAB_METRICS"));
        long seed = Long.parseLong(requireEnv("LOOPLAB_SEED").trim());
        int runs = Integer.parseInt(System.getenv().getOrDefault("LOOPLAB_RUNS", "1").trim());
        if (runs < 1) {
            throw new IllegalArgumentException("LOOPLAB_RUNS must be >= 1, got " + runs);
        }
        int threads = threads();
        Files.createDirectories(out);
        if (metrics.getParent() != null) {
            Files.createDirectories(metrics.getParent());
        }
        Images train = readTraining(data);
        Engine engine = startEngine(threads);
        // one generator per run, split in order from the trial's seed: run r is reproducible on its own
        SplittableRandom root = new SplittableRandom(seed);
        try (Writer log = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int run = 0; run < runs; run++) {
                trainRun(engine, train, root.split(), run, out.resolve("model-" + run + ".bin"), log);
            }
        }
    }

    static void trainRun(Engine engine, Images train, SplittableRandom rng, int run, Path file, Writer log)
            throws IOException {
        SplittableRandom initRng = rng.split();
        SplittableRandom orderRng = rng.split();
        SplittableRandom augmentRng = rng.split();
        int stepsPerEpoch = train.count() / BATCH;
        int steps = Math.max(1, Math.round(EPOCHS * stepsPerEpoch));
        long started = System.currentTimeMillis();
        try (NDManager manager = engine.newBaseManager()) {
            Model model = new Model(manager, initRng);
            List<String> names = model.p.trainable;
            Map<String, NDArray> m1 = new HashMap<>();
            Map<String, NDArray> m2 = new HashMap<>();
            for (String name : names) {
                m1.put(name, model.p.get(name).zerosLike());
                m2.put(name, model.p.get(name).zerosLike());
            }
            long params = names.stream().mapToLong(n -> model.p.get(n).size()).sum();
            System.err.printf(Locale.ROOT, "airbench-mini run %d: %d parameters, %d steps of %d%n",
                    run, params, steps, BATCH);
            int[] order = permutation(train.count(), orderRng);
            int cursor = 0;
            double emaLoss = Double.NaN;
            for (int step = 0; step < steps; step++) {
                if (cursor + BATCH > train.count()) {
                    order = permutation(train.count(), orderRng);
                    cursor = 0;
                }
                float lr = learningRate(step, steps);
                float loss;
                // the first step runs outside a scope: PyTorch creates the gradient buffers there
                NDScope scope = step == 0 ? null : new NDScope();
                try {
                    NDArray x = manager.create(batchPixels(train.pixels(), order, cursor, cursor + BATCH, augmentRng),
                            new Shape(BATCH, 1, SIDE, SIDE));
                    int[] y = new int[BATCH];
                    for (int i = 0; i < BATCH; i++) {
                        y[i] = train.labels()[order[cursor + i]];
                    }
                    NDArray labels = manager.create(y, new Shape(BATCH, 1)).toType(DataType.INT64, false);
                    loss = trainStep(model, names, m1, m2, x, labels, lr, step + 1);
                } finally {
                    if (scope != null) {
                        scope.close();
                    }
                }
                cursor += BATCH;
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("training diverged at step " + step + " of run " + run
                            + " (loss " + loss + "): lower LR");
                }
                emaLoss = Double.isNaN(emaLoss) ? loss : 0.95 * emaLoss + 0.05 * loss;
                if ((step + 1) % 50 == 0 || step + 1 == steps) {
                    double wall = (System.currentTimeMillis() - started) / 1000.0;
                    metric(log, run, step + 1, "train_loss", emaLoss, wall);
                    System.err.printf(Locale.ROOT, "run %d step %d/%d loss %.4f lr %.4f %.1f s%n",
                            run, step + 1, steps, emaLoss, lr, wall);
                }
            }
            export(model.p, file);
            double wall = (System.currentTimeMillis() - started) / 1000.0;
            metric(log, run, steps, "run_seconds", wall, wall);
            System.err.printf(Locale.ROOT, "airbench-mini run %d: %d steps in %.1f s%n", run, steps, wall);
        }
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static float learningRate(int step, int steps) {
        double progress = step / (double) steps;
        return switch (LR_SCHEDULE) {
            case "constant" -> LR;
            case "linear" -> (float) (LR * (1 - progress));
            case "onecycle" -> {
                // linear warmup to LR over WARMUP_FRAC, then linear decay to zero
                if (WARMUP_FRAC > 0 && progress < WARMUP_FRAC) {
                    yield (float) (LR * (progress / WARMUP_FRAC));
                }
                yield (float) (LR * (1 - progress) / Math.max(1e-9, 1 - WARMUP_FRAC));
            }
            default -> throw new IllegalArgumentException("LR_SCHEDULE must be constant, linear or onecycle, not "
                    + LR_SCHEDULE);
        };
    }

    /**
     * A scalar operand for an op whose result needs a gradient. Never pass a Java number there: DJL wraps it
     * in a tensor over a direct buffer and closes that at once, autograd keeps a pointer to it for the backward
     * pass, and when the garbage collector frees the buffer in between, backward reads freed memory (wrong
     * gradients, now and then NaN, differing from run to run). {@code full} makes a tensor in memory PyTorch
     * owns and counts references to; it lives in the step's scope, which ends after the backward pass.
     */
    static NDArray constant(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }

    static float trainStep(Model model, List<String> names, Map<String, NDArray> m1, Map<String, NDArray> m2,
                           NDArray x, NDArray labels, float lr, int t) {
        float lossValue;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray logp = model.forward(x, true).logSoftmax(1);
            // cross-entropy with label smoothing: (1 - s) * nll + s * mean over classes of -log p
            NDArray nll = logp.gather(labels, 1).neg();
            NDArray smooth = logp.mean(new int[] {1}, true).neg();
            // the weights are tensors PyTorch owns, not Java floats: see constant()
            NDArray loss = nll.mul(constant(x.getManager(), 1f - LABEL_SMOOTHING))
                    .add(smooth.mul(constant(x.getManager(), LABEL_SMOOTHING))).mean();
            collector.backward(loss);
            lossValue = loss.getFloat();
        }
        for (String name : names) {
            NDArray param = model.p.get(name);
            NDArray g = param.getGradient();
            boolean decayed = model.p.decay.get(name) && WEIGHT_DECAY > 0;
            if (OPTIMIZER.equals("nesterov")) {
                // SGD with Nesterov momentum, L2 weight decay on conv and linear weights only
                NDArray grad = decayed ? g.add(param.mul(WEIGHT_DECAY)) : g;
                NDArray v = m1.get(name);
                v.muli(MOMENTUM).addi(grad);
                param.subi(grad.add(v.mul(MOMENTUM)).mul(lr));
            } else {
                // AdamW with BETA1 = MOMENTUM and decoupled weight decay
                float beta2 = 0.999f;
                NDArray a = m1.get(name);
                NDArray b = m2.get(name);
                a.muli(MOMENTUM).addi(g.mul(1f - MOMENTUM));
                b.muli(beta2).addi(g.square().mul(1f - beta2));
                float bc1 = 1f - (float) Math.pow(MOMENTUM, t);
                float bc2 = 1f - (float) Math.pow(beta2, t);
                if (decayed) {
                    param.muli(1f - lr * WEIGHT_DECAY);
                }
                param.subi(a.div(bc1).div(b.div(bc2).sqrt().add(ADAM_EPS)).mul(lr));
            }
            JniUtils.zeroGrad((PtNDArray) param);
        }
        return lossValue;
    }

    static void metric(Writer log, int run, int step, String name, double value, double wallclock) throws IOException {
        log.write(String.format(Locale.ROOT, "{\"run\":%d,\"step\":%d,\"name\":\"%s\",\"value\":%s,\"wallclock\":%.3f}%n",
                run, step, name, Double.isFinite(value) ? Double.toString(value) : "null", wallclock));
        log.flush();
    }

    static String requireEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set; the worker sets it for train mode");
        }
        return value;
    }

    // ---------------------------------------------------------------- export: float32 tensors by name

    static void export(Params p, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.writeInt(0x4c4c4142); // "LLAB"
            out.writeInt(FORMAT_VERSION);
            out.writeInt(p.byName.size());
            for (Map.Entry<String, NDArray> entry : p.byName.entrySet()) {
                long[] shape = entry.getValue().getShape().getShape();
                out.writeUTF(entry.getKey());
                out.writeByte(shape.length);
                for (long dim : shape) {
                    out.writeInt((int) dim);
                }
                for (float v : entry.getValue().toFloatArray()) {
                    out.writeFloat(v);
                }
            }
        }
    }

    static void load(Params p, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != 0x4c4c4142 || in.readInt() != FORMAT_VERSION) {
                throw new IOException(file + " is not an airbench-mini model of format " + FORMAT_VERSION);
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
                for (int k = 0; k < values.length; k++) {
                    values[k] = in.readFloat();
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
            Map<Integer, Model> models = new HashMap<>();
            DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
            OutputStream out = new BufferedOutputStream(stdout, 1 << 16);
            while (true) {
                int run;
                try {
                    run = in.readInt();
                } catch (EOFException eof) {
                    break;
                }
                int n = in.readInt();
                if (run < 0 || n < 1 || n > 100_000) {
                    throw new IOException("frame for run " + run + " of " + n + " images: need run >= 0 and 1..100000 images");
                }
                byte[] pixels = new byte[n * PIXELS];
                in.readFully(pixels);
                Model model = models.get(run);
                if (model == null) {
                    model = new Model(manager, new SplittableRandom(0));
                    load(model.p, artifactDir.resolve("model-" + run + ".bin"));
                    for (NDArray array : model.p.byName.values()) {
                        array.setRequiresGradient(false);
                    }
                    models.put(run, model);
                }
                int[] index = new int[n];
                for (int i = 0; i < n; i++) {
                    index[i] = i;
                }
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    NDArray x = manager.create(batchPixels(pixels, index, 0, n, null), new Shape(n, 1, SIDE, SIDE));
                    NDArray y = model.forward(x, false);
                    if (TTA_FLIP) {
                        // test-time augmentation: average with the mirror image
                        y = y.add(model.forward(x.flip(3), false)).div(2f);
                    }
                    logits = y.toFloatArray();
                }
                ByteBuffer buffer = ByteBuffer.allocate(logits.length * 4);
                buffer.asFloatBuffer().put(logits);
                out.write(buffer.array());
                out.flush();
            }
        }
    }
}
