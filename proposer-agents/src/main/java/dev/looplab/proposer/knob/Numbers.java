package dev.looplab.proposer.knob;

import java.util.Locale;

/** Numbers as people read them in hypotheses, prompts and summaries. */
public final class Numbers {

    private Numbers() {
    }

    /** Four significant digits without trailing zeros (0.05, 3.812, 1e-4, 2.5e-05 -> 2.5e-05); "-" for null. */
    public static String brief(Double v) {
        if (v == null) {
            return "-";
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains("e")) {
            return s.replaceAll("\\.?0+e", "e");
        }
        return s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
    }
}
