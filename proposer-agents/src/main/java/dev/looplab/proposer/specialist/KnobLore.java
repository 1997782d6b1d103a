package dev.looplab.proposer.specialist;

import java.util.List;
import java.util.Locale;

/** Why moving a knob one way or the other might help: the reasons a hypothesis gives, from what is known of looped LMs and CNNs. */
final class KnobLore {

    private record Reason(String pattern, String up, String down) {
    }

    private static final List<Reason> REASONS = List.of(
            new Reason("(.*_)?LR", "learns faster within the budget", "steadies the updates and avoids loss spikes"),
            new Reason("WARMUP.*", "protects the first steps from large updates",
                    "spends more of the budget at the full learning rate"),
            new Reason("WARMDOWN_FRAC", "anneals longer, which usually lowers the final loss",
                    "keeps the full learning rate longer"),
            new Reason("D_MODEL|MODEL_DIM|WIDTH\\d*", "adds capacity",
                    "makes steps cheaper (more of them in the budget) and the artifact smaller"),
            new Reason("(NUM_)?HEADS", "gives each layer more attention patterns", "gives each head more dimensions"),
            new Reason("NUM_KV_HEADS", "gives keys and values more heads", "shares keys and values across more heads"),
            new Reason("MLP_(RATIO|MULT)", "adds MLP capacity", "makes steps cheaper"),
            new Reason("(PRELUDE|CODA)_LAYERS|DEPTH|CONVS_PER_BLOCK", "adds unshared depth", "makes steps cheaper"),
            new Reason("CORE_LAYERS", "widens the shared core that is looped", "makes each loop cheaper"),
            new Reason("MEAN_LOOPS", "adds recurrent depth per token at the same parameter count",
                    "makes steps cheaper, so more of them fit the budget"),
            new Reason("EVAL_LOOPS", "loops more at evaluation than in training", "loops less at evaluation"),
            new Reason("BACKPROP_LOOPS", "sends gradient through more loops",
                    "truncates backprop to the last loops, a cheaper backward pass"),
            new Reason("LOOP_START_FRAC", "trains flat first and switches looping on later",
                    "loops from earlier in training"),
            new Reason("BATCH(_TOKENS)?", "lowers gradient noise", "gives more updates in the budget"),
            new Reason("SEQ_LEN", "gives longer context", "makes steps cheaper"),
            new Reason("GRAD_ACCUM", "splits the batch into more micro-batches", "uses fewer, larger micro-batches"),
            new Reason("WEIGHT_DECAY", "regularises more", "shrinks weights less in a short run"),
            new Reason("INIT_STD", "starts with larger weights", "starts closer to zero, a gentler start"),
            new Reason("QAT_NOISE", "trains for the quantization error", "trains with less noise"),
            new Reason("QUANT_BITS", "cuts the quantization error", "shrinks the artifact"),
            new Reason("CLIP_QUANTILE", "clips fewer outliers when quantizing", "spends quantization levels on the bulk"),
            new Reason("ZLIB_LEVEL", "compresses the artifact harder", "compresses faster"),
            new Reason("BETA1|BETA2|MOMENTUM|MUON_MOMENTUM|BN_MOMENTUM", "smooths the updates",
                    "reacts faster to the loss surface"),
            new Reason("MUON_STEPS", "orthogonalises the update more exactly", "makes the optimizer step cheaper"),
            new Reason("GRAD_CLIP", "clips fewer useful large gradients", "guards against loss spikes"),
            new Reason("LOGIT_SOFTCAP", "caps the logits less", "caps the logits harder against overconfidence"),
            new Reason("ROPE_BASE", "stretches the positional wavelengths", "sharpens local positions"),
            new Reason("EPOCHS", "trains longer for accuracy", "trains less per run, which is what is scored"),
            new Reason("LABEL_SMOOTHING", "regularises the outputs more", "sharpens the outputs"),
            new Reason("TRANSLATE|CUTOUT", "augments more", "augments less, so each epoch fits the data faster"),
            new Reason("TTA_LEVEL", "averages more test-time views", "evaluates faster"),
            new Reason("LOGIT_SCALE", "sharpens the logits", "softens the logits"),
            new Reason("WHITEN_EPS", "regularises the whitening more", "whitens more exactly"));

    private KnobLore() {
    }

    /** Why raising ({@code up}) or lowering a knob might help; a plain sentence when nothing is known of it. */
    static String why(String knob, boolean up) {
        for (Reason r : REASONS) {
            if (knob.matches(r.pattern())) {
                return up ? r.up() : r.down();
            }
        }
        return up ? "probes above the current value" : "probes below the current value";
    }

    /** Why switching a listed knob to {@code value} might help. */
    static String whyChoice(String knob, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return switch (knob) {
            case "INJECTION" -> switch (v) {
                case "diagonal" -> "the diagonal (Parcae) injection is stable by construction";
                case "linear" -> "a learned linear injection mixes state and input more freely";
                default -> "the additive injection is the cheapest";
            };
            case "ACTIVATION" -> v.contains("relu2") ? "squared ReLU trains faster in small LMs" : "GELU is smoother";
            case "LOOP_SAMPLING" -> v.equals("poisson") ? "sampling the loop count trains the core for many depths"
                    : "a fixed loop count is cheaper and steadier";
            case "TIED_EMBEDDINGS", "TIE_EMBEDDINGS" -> v.equals("true") ? "tying the embeddings halves their bytes"
                    : "untied embeddings add output capacity";
            case "OPTIMIZER" -> v.equals("adamw") ? "AdamW adapts per weight" : "Nesterov SGD is fast on CNNs";
            case "LR_SCHEDULE" -> "the " + v + " schedule shapes the learning rate differently";
            case "AUGMENT", "FLIP", "TTA_FLIP" -> "augmentation trades training time for accuracy";
            case "BATCH_NORM" -> v.equals("true") ? "batch norm allows larger learning rates" : "no batch norm is cheaper";
            default -> "tries " + knob + " = " + value;
        };
    }
}
