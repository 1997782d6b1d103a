// Helper for the golf-mini benchmarks in infra/bench/golf-mini: the evaluator's own data split and scoring, so
// the scripts train on exactly the bytes the worker gives a trial and report the score the evaluator computes.
//
//   java -cp <evaluators classpath> GolfMiniBench.java data <file>
//        writes the training split; prints its byte count, sha256 and the unigram/bigram held-out bpb
//   java -cp <evaluators classpath> GolfMiniBench.java evaluate <recipeDir> <outDir> <trainSeconds> <seed>
//        scores <outDir>/model.bin as the worker's evaluator does; prints status, bpb and feedback

import java.nio.file.Path;
import java.util.Locale;

import dev.looplab.evaluation.EvaluationRequest;
import dev.looplab.trial.Measurement;
import dev.looplab.evaluation.golf.ByteNgramBaseline;
import dev.looplab.evaluation.golf.GolfMiniData;
import dev.looplab.evaluation.golf.GolfMiniEvaluator;
import dev.looplab.evaluation.task.TaskDefinition;

public class GolfMiniBench {

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("data")) {
            GolfMiniData data = GolfMiniData.fromDebianFortunes();
            String sha = data.writeTraining(Path.of(args[1]));
            GolfMiniEvaluator evaluator = new GolfMiniEvaluator(task(), () -> data, 1);
            System.out.printf(Locale.ROOT, "train_bytes=%d train_sha256=%s unigram_bpb=%.4f bigram_bpb=%.4f%n",
                    data.train().length, sha, ByteNgramBaseline.unigramBpb(data.train(), data.heldOut()),
                    evaluator.bigramBpb());
        } else if (args.length == 5 && args[0].equals("evaluate")) {
            Path recipe = Path.of(args[1]);
            Path out = Path.of(args[2]);
            EvaluationRequest request = new EvaluationRequest(recipe, out, out.resolveSibling("scratch"), 0, false,
                    Double.parseDouble(args[3]), Long.parseLong(args[4]));
            java.nio.file.Files.createDirectories(request.scratchDir());
            Measurement m = new GolfMiniEvaluator(task()).evaluate(request);
            System.out.printf(Locale.ROOT, "status=%s val_bpb=%s eval_s=%.1f artifact_bytes=%d%nfeedback: %s%n",
                    m.status(), m.score(), m.evalSeconds(), m.artifactBytes(), m.feedback());
            if (m.score() == null) {
                System.exit(1);
            }
        } else {
            System.err.println("usage: GolfMiniBench.java data <file> | evaluate <recipeDir> <outDir> <trainSeconds> <seed>");
            System.exit(2);
        }
    }

    static TaskDefinition task() {
        // run from the repository root, as infra/bench/golf-mini/*.sh do
        return TaskDefinition.load(Path.of("recipes", "golf-mini"));
    }
}
