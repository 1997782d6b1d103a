package dev.looplab.evaluation.python;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;

/**
 * The verdict a {@code looplab_eval} scorer prints (see {@code common.py}): {@code status}, {@code score}
 * (null unless scored), {@code direction}, numeric {@code metrics}, the artifact's bytes, the seconds the scorer
 * spent, the held-out data's sha256 and the feedback for the agents.
 */
public record PythonVerdict(String evaluator, TrialStatus status, Double score, Direction direction,
                            Map<String, Double> metrics, long artifactBytes, double evalSeconds, String dataSha256,
                            String feedback) {

    /** What a scorer may conclude; the rest (keep, discard, queued, ...) are the platform's to decide. */
    static final Set<TrialStatus> VERDICTS = Set.of(TrialStatus.scored, TrialStatus.crash, TrialStatus.size_blocked,
            TrialStatus.train_budget_overrun, TrialStatus.eval_budget_overrun, TrialStatus.gate_miss,
            TrialStatus.illegal);
    private static final ObjectMapper JSON = new ObjectMapper();

    public PythonVerdict {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        feedback = feedback == null ? "" : feedback;
    }

    /**
     * Parses one verdict.
     *
     * @throws IOException when {@code json} is not a verdict: not JSON, an unknown status or direction, a scored
     *                     verdict without a finite score
     */
    public static PythonVerdict parse(String json) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IOException("the verdict is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("the verdict is not a JSON object");
        }
        String statusName = root.path("status").asText("");
        TrialStatus status;
        try {
            status = TrialStatus.valueOf(statusName);
        } catch (IllegalArgumentException e) {
            throw new IOException("the verdict's status '" + statusName + "' is not a Looplab status");
        }
        if (!VERDICTS.contains(status)) {
            throw new IOException("the verdict's status '" + statusName + "' is not one a scorer may give");
        }
        String directionName = root.path("direction").asText("");
        Direction direction;
        try {
            direction = Direction.valueOf(directionName);
        } catch (IllegalArgumentException e) {
            throw new IOException("the verdict's direction '" + directionName + "' is neither lower nor higher");
        }
        JsonNode scoreNode = root.path("score");
        Double score = scoreNode.isNumber() ? scoreNode.asDouble() : null;
        if (status == TrialStatus.scored && (score == null || !Double.isFinite(score))) {
            throw new IOException("the verdict is scored but its score is " + scoreNode);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> metric = it.next();
            if (metric.getValue().isNumber() && Double.isFinite(metric.getValue().asDouble())) {
                metrics.put(metric.getKey(), metric.getValue().asDouble());
            }
        }
        return new PythonVerdict(root.path("evaluator").asText(""), status, status == TrialStatus.scored ? score : null,
                direction, metrics, root.path("artifact_bytes").asLong(0), root.path("eval_seconds").asDouble(0),
                root.path("data_sha256").asText(""), root.path("feedback").asText(""));
    }
}
