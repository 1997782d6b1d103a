package dev.looplab.proposer.constraint;

import dev.looplab.proposer.knob.Knob;
import java.util.Map;
import java.util.Optional;

/**
 * Estimates a looped transformer recipe's artifact (code plus quantized, zlib-compressed model) from its knobs, so a
 * specialist sees {@code size_blocked} coming: parameters counted from the shape, about {@code bits/8} compressed
 * bytes per matrix weight, four per vector element and row scale. Measured artifacts calibrate it (see
 * {@link SizeRule}).
 */
public final class ArtifactSize {

    /** Which knob holds each part of the shape; null when the recipe has no such knob. */
    record Shape(String dim, String heads, String kvHeads, String mlp, String prelude, String core, String coda,
                 String tied, String injection, String seqLen, String bits, int vocab, boolean positionEmbedding) {
    }

    static final Shape GOLF_MINI = new Shape("D_MODEL", "HEADS", null, "MLP_RATIO", "PRELUDE_LAYERS", "CORE_LAYERS",
            "CODA_LAYERS", "TIED_EMBEDDINGS", "INJECTION", "SEQ_LEN", "QUANT_BITS", 256, true);
    static final Shape PARAMETER_GOLF = new Shape("MODEL_DIM", "NUM_HEADS", "NUM_KV_HEADS", "MLP_MULT",
            "PRELUDE_LAYERS", "CORE_LAYERS", "CODA_LAYERS", "TIE_EMBEDDINGS", "INJECTION", null, "QUANT_BITS", 1024,
            false);
    // compressed bytes per int8 weight: near-Gaussian quantized weights barely compress
    static final double BYTES_PER_WEIGHT_AT_8_BITS = 0.95;

    private final Shape shape;

    ArtifactSize(Shape shape) {
        this.shape = shape;
    }

    /** The estimator for a task whose evaluator caps its artifact, if Looplab knows the recipe's shape. */
    public static Optional<ArtifactSize> forTask(String task) {
        return switch (task) {
            case "golf-mini" -> Optional.of(new ArtifactSize(GOLF_MINI));
            case "parameter-golf" -> Optional.of(new ArtifactSize(PARAMETER_GOLF));
            default -> Optional.empty();
        };
    }

    /** The knobs the estimate reads. */
    public java.util.Set<String> knobs() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String k : new String[] {shape.dim(), shape.heads(), shape.kvHeads(), shape.mlp(), shape.prelude(),
                shape.core(), shape.coda(), shape.tied(), shape.injection(), shape.seqLen(), shape.bits()}) {
            if (k != null) {
                names.add(k);
            }
        }
        return names;
    }

    /** Estimated artifact bytes of {@code config} with {@code codeBytes} of recipe. */
    public long estimate(Map<String, String> config, long codeBytes) {
        long d = whole(config, shape.dim(), 0);
        long layers = whole(config, shape.prelude(), 0) + whole(config, shape.core(), 1) + whole(config, shape.coda(), 0);
        long mlp = whole(config, shape.mlp(), 4);
        double kv = shape.kvHeads() == null ? 1.0
                : whole(config, shape.kvHeads(), 1) / (double) Math.max(1, whole(config, shape.heads(), 1));
        boolean tied = shape.tied() != null && Boolean.parseBoolean(text(config, shape.tied()).toLowerCase());
        String injection = text(config, shape.injection());
        long matrices = 0;
        long rows = 0;
        long vectors = 0;
        // per block: q and o (d x d), k and v (d x kv*d), MLP in and out (d x mlp*d); two norm gains
        long kvDim = Math.round(kv * d);
        matrices += layers * (2 * d * d + 2 * d * kvDim + 2 * mlp * d * d);
        rows += layers * (d + d + mlp * d);
        vectors += layers * 2 * d;
        matrices += shape.vocab() * d; // token embedding
        rows += shape.vocab();
        if (shape.positionEmbedding() && shape.seqLen() != null) {
            long seq = whole(config, shape.seqLen(), 0);
            matrices += seq * d;
            rows += seq;
        }
        if (!tied) {
            matrices += d * shape.vocab();
            rows += d;
        }
        switch (injection) {
            case "linear" -> {
                matrices += 2 * d * d;
                rows += 2 * d;
            }
            case "diagonal" -> {
                matrices += d * d;
                rows += d;
                vectors += 2 * d;
            }
            default -> { }
        }
        vectors += 2 * d; // injection and final norms
        long bits = whole(config, shape.bits(), 8);
        double weightBytes = matrices * BYTES_PER_WEIGHT_AT_8_BITS * Math.max(1, bits) / 8.0;
        return codeBytes + Math.round(weightBytes + 4.0 * (rows + vectors));
    }

    private static long whole(Map<String, String> config, String knob, long fallback) {
        if (knob == null || !config.containsKey(knob)) {
            return fallback;
        }
        return Math.round(Knob.parseNumber(config.get(knob)));
    }

    private static String text(Map<String, String> config, String knob) {
        if (knob == null || !config.containsKey(knob)) {
            return "";
        }
        return config.get(knob).replace("\"", "").replace("'", "");
    }
}
