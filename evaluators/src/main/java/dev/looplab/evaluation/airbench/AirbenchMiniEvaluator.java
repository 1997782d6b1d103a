package dev.looplab.evaluation.airbench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
 * Judges airbench-mini like Airbench96: the score is the training wallclock per run (lower is better),
 * valid only when the mean accuracy of the {@code runs} trained models on the gate part of the t10k
 * images, computed here from the logits of the recipe's score mode, reaches the task's
 * {@code gate_accuracy}; below it is gate_miss. The mean accuracy on the held-back test part is the
 * measurement's test score, which no keep decision reads.
 */
public final class AirbenchMiniEvaluator extends RecipeScoredEvaluator<FashionMnist, AirbenchMiniEvaluator.Accuracies> {
    public static final String TASK = "airbench-mini";
    public static final String NAME = "airbench-mini-acc";
    public static final String VERSION = "1.1.0";
    /** The training file handed to the recipe as {@code LOOPLAB_DATA}. */
    public static final String TRAIN_FILE = "fashion-mnist-train.idx";
    /** Tells the recipe how many independent models to train. */
    public static final String RUNS_ENV = "LOOPLAB_RUNS";
    /** Test images per score frame. */
    static final int FRAME_IMAGES = 1000;

    /** The evaluator of {@code task} on Debian's Fashion-MNIST, scoring with one PyTorch thread. */
    public AirbenchMiniEvaluator(TaskDefinition task) {
        this(task, FashionMnist::fromDebianDataset, 1);
    }

    public AirbenchMiniEvaluator(TaskDefinition task, Supplier<FashionMnist> data, int threads) {
        super(task, TASK, NAME, VERSION, Direction.lower, data, threads);
        if (task.gateAccuracy() <= 0) {
            throw new TaskDefinition.InvalidTaskException(task.taskDir().resolve(TaskDefinition.FILE_NAME)
                    + ": airbench-mini needs gate_accuracy, the mean test accuracy a trial must reach (e.g. 0.90)");
        }
    }

    /** The whole dataset folder: the recipe gets its training split from {@link #prepareTrainingData}. */
    @Override
    public List<Path> heldOutPaths() {
        return List.of(FashionMnist.DEBIAN_DIR);
    }

    @Override
    public Map<String, String> trainingEnvironment() {
        return Map.of(RUNS_ENV, Integer.toString(runs()));
    }

    public double gateAccuracy() {
        return definition().gateAccuracy();
    }

    public int runs() {
        return definition().runs();
    }

    /** The file run {@code run} of the recipe writes into {@code LOOPLAB_OUT}. */
    public static String modelFile(int run) {
        return "model-" + run + ".bin";
    }

    @Override
    protected String trainingFile() {
        return TRAIN_FILE;
    }

    @Override
    protected List<String> modelFiles() {
        return IntStream.range(0, runs()).mapToObj(AirbenchMiniEvaluator::modelFile).toList();
    }

    @Override
    protected Map<String, Double> taskMetrics() {
        return Map.of("runs", (double) runs(), "gate_accuracy", gateAccuracy());
    }

    @Override
    protected ScoreMode scoreMode(EvaluationRequest request) {
        return ScoreMode.djlRecipe(definition(), request);
    }

    @Override
    protected Session<Accuracies> session(Verdicts v) {
        return process -> accuracies(process, runs());
    }

    /**
     * Streams every t10k image to every run's model and counts the argmax hits on the gate part and on the test
     * part apart: the protocol of score mode, which cannot tell the parts apart.
     */
    private Accuracies accuracies(ScoringProcess process, int runs) throws Exception {
        FashionMnist d = data();
        byte[] pixels = d.testPixels();
        byte[] labels = d.testLabels();
        double[] accuracy = new double[runs];
        double[] testAccuracy = new double[runs];
        for (int run = 0; run < runs; run++) {
            long correct = 0;
            long testCorrect = 0;
            for (int start = 0; start < d.testCount(); start += FRAME_IMAGES) {
                int n = Math.min(FRAME_IMAGES, d.testCount() - start);
                byte[] frame = ByteBuffer.allocate(2 * Integer.BYTES + n * FashionMnist.PIXELS)
                        .putInt(run).putInt(n).put(pixels, start * FashionMnist.PIXELS, n * FashionMnist.PIXELS)
                        .array();
                float[] logits = process.exchange(frame, n * FashionMnist.CLASSES,
                        n + " images for run " + run);
                for (int i = 0; i < n; i++) {
                    if (predictedClass(logits, i) == labels[start + i]) {
                        if (d.isTestImage(start + i)) {
                            testCorrect++;
                        } else {
                            correct++;
                        }
                    }
                }
            }
            accuracy[run] = correct / (double) d.gateCount();
            testAccuracy[run] = testCorrect / (double) d.testPartCount();
        }
        process.finish(FINISH_SECONDS);
        return new Accuracies(accuracy, testAccuracy);
    }

    /** Each run's accuracy on the gate part and on the test part. */
    record Accuracies(double[] gate, double[] test) {
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

    /** Scored when the mean accuracy reaches the gate, else gate_miss; the score is seconds per run. */
    @Override
    protected Measurement judge(Accuracies measured, Verdicts v) {
        double[] accuracy = measured.gate();
        int runs = accuracy.length;
        double mean = Arrays.stream(accuracy).average().orElse(0);
        double variance = Arrays.stream(accuracy).map(a -> (a - mean) * (a - mean)).sum() / Math.max(1, runs - 1);
        double trainSeconds = v.request().trainSeconds();
        double secondsPerRun = trainSeconds / runs;
        for (int run = 0; run < runs; run++) {
            v.metric("accuracy_run" + run, accuracy[run]);
        }
        v.metric("accuracy_mean", mean);
        v.metric("accuracy_std", Math.sqrt(variance));
        v.metric("accuracy_min", Arrays.stream(accuracy).min().orElse(0));
        v.metric("train_seconds_per_run", secondsPerRun);
        v.metric("eval_images", data().testCount());
        v.metric("gate_images", data().gateCount());
        String perRun = Arrays.stream(accuracy)
                .mapToObj(a -> String.format(Locale.ROOT, "%.4f", a)).collect(Collectors.joining(", "));
        double gate = gateAccuracy();
        if (mean < gate) {
            return v.fail(TrialStatus.gate_miss, String.format(Locale.ROOT,
                    "mean accuracy %.4f over %d seeds < gate %.4f (runs %s): disqualified; train longer (EPOCHS) "
                            + "or widen the first conv (WIDTH1) before cutting time again.",
                    mean, runs, gate, perRun));
        }
        // the test part's accuracy stays out of metrics and feedback: those are what the search reads
        double testMean = Arrays.stream(measured.test()).average().orElse(0);
        return v.scored(secondsPerRun, testMean, String.format(Locale.ROOT,
                "%.1f s of training per run (%.1f s for %d runs); mean accuracy %.4f over %d seeds >= gate %.4f "
                        + "(runs %s, margin %.4f).",
                secondsPerRun, trainSeconds, runs, mean, runs, gate, perRun, mean - gate));
    }

    @Override
    protected String trainingDescription() {
        return "training " + runs() + " runs";
    }

    @Override
    protected String trainBudgetFix() {
        return "train fewer epochs or a cheaper network";
    }

    @Override
    protected String exportFix() {
        return "the recipe must train " + RUNS_ENV + "=" + runs() + " models and export each as model-<run>.bin";
    }

    /** None: airbench scores time, not bytes. */
    @Override
    protected Optional<String> sizeCapFix() {
        return Optional.empty();
    }

    @Override
    protected String scoringDescription() {
        return String.format(Locale.ROOT, "classifying the %,d test images with %d models", data().testCount(), runs());
    }

    @Override
    protected String evalBudgetFix() {
        return "make the forward pass cheaper (narrower convs, no TTA_FLIP)";
    }
}
