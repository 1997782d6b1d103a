package dev.looplab.evaluation.scoring;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.evaluation.Evaluator;
import dev.looplab.trial.Measurement;
import dev.looplab.trial.TrialStatus;

/**
 * The measurements of one evaluation: evaluator, version, data fingerprint, seed, training and
 * evaluation time filled once, metrics and the artifact's size gathered as the checks go.
 */
public final class Verdicts {
    private final Evaluator evaluator;
    private final EvaluationRequest request;
    private final String dataSha256;
    private final long startedNanos = System.nanoTime();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private long artifactBytes;

    Verdicts(Evaluator evaluator, EvaluationRequest request, String dataSha256) {
        this.evaluator = evaluator;
        this.request = request;
        this.dataSha256 = dataSha256;
    }

    public EvaluationRequest request() {
        return request;
    }

    public void metric(String name, double value) {
        metrics.put(name, value);
    }

    /** Code plus every model file; 0 until the artifact was measured. */
    public long artifactBytes() {
        return artifactBytes;
    }

    /** Records the artifact's size: {@code model_bytes} is the mean over {@code modelFiles} files. */
    void artifact(long codeBytes, long modelBytes, int modelFiles) {
        artifactBytes = codeBytes + modelBytes;
        metric("code_bytes", codeBytes);
        metric("model_bytes", modelBytes / (double) modelFiles);
        metric("artifact_bytes", artifactBytes);
    }

    /** A verdict without a score (crash, overrun, illegal, gate_miss, ...). */
    public Measurement fail(TrialStatus status, String feedback) {
        return measurement(status, null, null, feedback);
    }

    public Measurement scored(double score, String feedback) {
        return measurement(TrialStatus.scored, score, null, feedback);
    }

    /**
     * Scored on the validation slice, with the task's number on its test slice beside it: kept out of the
     * metrics and the feedback, which proposers read, so nothing the search sees depends on the test slice.
     */
    public Measurement scored(double score, double testScore, String feedback) {
        return measurement(TrialStatus.scored, score, testScore, feedback);
    }

    private Measurement measurement(TrialStatus status, Double score, Double testScore, String feedback) {
        double evalSeconds = (System.nanoTime() - startedNanos) / 1e9;
        return new Measurement(status, score, evaluator.direction(), metrics, request.trainSeconds(), evalSeconds,
                artifactBytes, request.seed(), evaluator.name(), evaluator.version(), dataSha256, feedback, testScore);
    }
}
