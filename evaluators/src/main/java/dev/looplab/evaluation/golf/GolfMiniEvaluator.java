package dev.looplab.evaluation.golf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.scoring.RecipeScoredEvaluator;
import dev.looplab.evaluation.scoring.ScoreMode;
import dev.looplab.evaluation.scoring.ScoringProcess;
import dev.looplab.evaluation.scoring.Verdicts;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;

/**
 * Judges golf-mini: held-out bits per byte of the round-tripped artifact, computed here from the
 * logits the recipe's score mode returns, after the size, budget and causality rules.
 */
public final class GolfMiniEvaluator extends RecipeScoredEvaluator<GolfMiniData, GolfMiniEvaluator.Tally> {
    public static final String TASK = "golf-mini";
    public static final String NAME = "golf-mini-bpb";
    public static final String VERSION = "1.1.0";
    /** The artifact the recipe's train mode writes into {@code LOOPLAB_OUT}. */
    public static final String MODEL_FILE = "model.bin";
    /** Largest change of an earlier position's logits allowed when later bytes change. */
    public static final double CAUSALITY_TOLERANCE = 1e-4;
    /** Score mode answers a frame {@code [int32 BE n][n bytes]} with {@code n * VOCAB} float32 BE logits. */
    static final int VOCAB = 256;
    static final int DEFAULT_WINDOW = 128;
    static final int MAX_WINDOW = 1024;
    private static final Pattern SEQ_LEN = Pattern.compile("static\\s+final\\s+int\\s+SEQ_LEN\\s*=\\s*(\\d+)\\s*;");
    private static final double LN2 = Math.log(2);

    private volatile Double bigramBpb;

    /**
     * The evaluator of {@code task}, reading Debian's fortunes, scoring with one thread: on a shared
     * machine a second PyTorch thread mostly spins, and one thread keeps the logits reproducible.
     */
    public GolfMiniEvaluator(TaskDefinition task) {
        this(task, GolfMiniData::fromDebianFortunes, 1);
    }

    public GolfMiniEvaluator(TaskDefinition task, Supplier<GolfMiniData> data, int threads) {
        super(task, TASK, NAME, VERSION, Direction.lower, data, threads);
    }

    /** The held-out slice is cut from the fortunes themselves, so training must not see them at all. */
    @Override
    public List<Path> heldOutPaths() {
        return List.of(GolfMiniData.DEBIAN_FORTUNES);
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
    protected String trainingFile() {
        return "train.txt";
    }

    @Override
    protected List<String> modelFiles() {
        return List.of(MODEL_FILE);
    }

    @Override
    protected ScoreMode scoreMode(EvaluationRequest request) {
        return ScoreMode.djlRecipe(definition(), request);
    }

    /** Scores in windows of the recipe's own SEQ_LEN. */
    @Override
    protected Session<Tally> session(Verdicts v) throws IOException {
        String source = Files.readString(codeFile(v.request()), StandardCharsets.ISO_8859_1);
        int window = evalWindow(source);
        v.metric("eval_window", window);
        return process -> runSession(process, window);
    }

    /** The scoring protocol: the causality probe first, then the validation slice in windows. */
    private Tally runSession(ScoringProcess process, int window) throws Exception {
        byte[] heldOut = data().heldOut();
        Tally s = new Tally();
        // probe: change the later half of a window, the earlier half's logits must not move
        byte[] probe = Arrays.copyOfRange(heldOut, 0, Math.min(window, heldOut.length));
        byte[] altered = probe.clone();
        int half = probe.length / 2;
        for (int i = half; i < altered.length; i++) {
            altered[i] = (byte) (altered[i] ^ 0x55);
        }
        float[] before = logits(process, probe);
        float[] after = logits(process, altered);
        for (int i = 0; i < half * VOCAB; i++) {
            double delta = Math.abs((double) before[i] - after[i]);
            if (!(delta <= CAUSALITY_TOLERANCE) && s.causalityPosition < 0) {
                s.causalityPosition = i / VOCAB;
            }
            if (Double.isFinite(delta)) {
                s.causalityDelta = Math.max(s.causalityDelta, delta);
            }
        }
        if (s.causalityPosition >= 0) {
            return s;
        }
        s.validation = slice(process, heldOut, window);
        process.finish(FINISH_SECONDS);
        return s;
    }

    /**
     * The test slice, in the same windows, on a scoring process of its own once the validation slice scored the
     * trial: the platform keeps the number only for a new best, and nothing a proposer reads carries it.
     */
    @Override
    protected Optional<TestPass> testPass(EvaluationRequest request) throws IOException {
        int window = evalWindow(Files.readString(codeFile(request), StandardCharsets.ISO_8859_1));
        return Optional.of(process -> {
            SliceTally t = slice(process, data().test(), window);
            process.finish(FINISH_SECONDS);
            return t.nats / t.predicted / LN2;
        });
    }

    /** The eval budget at the validation slice's rate: a model that scored the validation slice in time finishes. */
    @Override
    protected long testBudgetSeconds() {
        return (long) definition().evalBudgetSeconds() * GolfMiniData.TEST_BYTES / GolfMiniData.HELD_OUT_BYTES;
    }

    /** Scores one held-out slice in windows that overlap by one byte, so every byte after the first is predicted once. */
    private static SliceTally slice(ScoringProcess process, byte[] text, int window) throws IOException {
        SliceTally t = new SliceTally();
        for (int start = 0; start + 1 < text.length; start += window - 1) {
            int end = Math.min(start + window, text.length);
            byte[] frame = Arrays.copyOfRange(text, start, end);
            float[] logits = logits(process, frame);
            for (int pos = 0; pos + 1 < frame.length; pos++) {
                t.nats += negativeLogLikelihood(logits, pos, frame[pos + 1] & 0xff);
                t.predicted++;
            }
            t.windows++;
        }
        return t;
    }

    /** The logits of one window, row-major (position, then byte value). */
    private static float[] logits(ScoringProcess process, byte[] window) throws IOException {
        byte[] frame = ByteBuffer.allocate(Integer.BYTES + window.length).putInt(window.length).put(window).array();
        return process.exchange(frame, window.length * VOCAB, window.length + " bytes");
    }

    /** Illegal when the probe saw the model peek ahead, else scored in bits per byte. */
    @Override
    protected Measurement judge(Tally s, Verdicts v) {
        if (s.causalityPosition >= 0) {
            v.metric("causality_max_delta", s.causalityDelta);
            return v.fail(TrialStatus.illegal, String.format(Locale.ROOT,
                    "logits at position %d changed by %.3g when later bytes changed: the model peeks ahead "
                            + "(keep the causal mask; position i may only see bytes 0..i)",
                    s.causalityPosition, s.causalityDelta));
        }
        SliceTally val = s.validation;
        double lossNats = val.nats / val.predicted;
        double bpb = lossNats / LN2;
        double bigram = bigramBpb();
        v.metric("val_bpb", bpb);
        v.metric("val_loss_nats", lossNats);
        v.metric("eval_bytes", val.predicted);
        v.metric("eval_windows", val.windows);
        v.metric("causality_max_delta", s.causalityDelta);
        v.metric("bigram_bpb", bigram);
        return v.scored(bpb, String.format(Locale.ROOT,
                "val_bpb %.4f over %,d held-out bytes (%s the add-one bigram's %.4f); artifact %,d B of the %,d B cap.",
                bpb, val.predicted, bpb < bigram ? "beats" : "worse than", bigram, v.artifactBytes(),
                definition().artifactCapBytes()));
    }

    /** -ln softmax(logits[pos])[target], by log-sum-exp in double; non-finite logits are the recipe's fault. */
    static double negativeLogLikelihood(float[] logits, int pos, int target) throws IOException {
        int base = pos * VOCAB;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < VOCAB; k++) {
            float x = logits[base + k];
            if (!Float.isFinite(x)) {
                throw new IOException("logit " + x + " at position " + pos + ", byte " + k
                        + ": score mode must return finite logits");
            }
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int k = 0; k < VOCAB; k++) {
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

    @Override
    protected String trainBudgetFix() {
        return "make the recipe stop itself earlier or do less per step";
    }

    @Override
    protected String exportFix() {
        return "the recipe must export its weights before it exits";
    }

    @Override
    protected Optional<String> sizeCapFix() {
        return Optional.of("shrink D_MODEL or quantize harder");
    }

    @Override
    protected String scoringDescription() {
        return "scoring the held-out slice";
    }

    @Override
    protected String evalBudgetFix() {
        return "make the forward pass cheaper (fewer loops or layers)";
    }

    /** What one scoring session measured. */
    static final class Tally {
        SliceTally validation;
        int causalityPosition = -1;
        double causalityDelta;
    }

    /** Bytes predicted on one slice and their summed negative log-likelihood. */
    static final class SliceTally {
        int windows;
        long predicted;
        double nats;
    }
}
