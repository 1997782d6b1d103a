package dev.looplab.evaluation.golf;

/**
 * Reference scores on the held-out slice from add-one smoothed byte unigram and bigram counts of
 * the training split: a trained model should beat both.
 */
public final class ByteNgramBaseline {
    private ByteNgramBaseline() {
    }

    /** Bits per byte of an add-one unigram model over bytes 1..n-1 of {@code heldOut}. */
    public static double unigramBpb(byte[] train, byte[] heldOut) {
        double[] counts = new double[256];
        java.util.Arrays.fill(counts, 1.0);
        for (byte b : train) {
            counts[b & 0xff]++;
        }
        double total = train.length + 256.0;
        double bits = 0;
        for (int i = 1; i < heldOut.length; i++) {
            bits -= Math.log(counts[heldOut[i] & 0xff] / total) / Math.log(2);
        }
        return bits / (heldOut.length - 1);
    }

    /** Bits per byte of an add-one bigram model over bytes 1..n-1 of {@code heldOut}. */
    public static double bigramBpb(byte[] train, byte[] heldOut) {
        double[][] counts = new double[256][256];
        double[] rows = new double[256];
        for (int i = 1; i < train.length; i++) {
            counts[train[i - 1] & 0xff][train[i] & 0xff]++;
            rows[train[i - 1] & 0xff]++;
        }
        double bits = 0;
        for (int i = 1; i < heldOut.length; i++) {
            int prev = heldOut[i - 1] & 0xff;
            double p = (counts[prev][heldOut[i] & 0xff] + 1.0) / (rows[prev] + 256.0);
            bits -= Math.log(p) / Math.log(2);
        }
        return bits / (heldOut.length - 1);
    }
}
