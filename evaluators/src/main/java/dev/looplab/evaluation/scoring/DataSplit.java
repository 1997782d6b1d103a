package dev.looplab.evaluation.scoring;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A task's data as its evaluator holds it: the training side, written for a recipe, and the held-out side's hash. */
public interface DataSplit {

    /** Writes the training side (never the held-out one) to {@code file}; returns its sha256. */
    String writeTraining(Path file);

    /** The size of what {@link #writeTraining} writes. */
    long trainBytes();

    String trainSha256();

    /** The sha256 of the held-out side the search is scored on (the validation slice). */
    String heldOutSha256();

    /**
     * The sha256 of the test slice: held out like the validation slice, scored only for a new best, so
     * selecting hundreds of trials on the validation slice cannot fit it; empty when the task has none.
     */
    default String testSha256() {
        return "";
    }

    /** One fingerprint of the whole split, recorded in every measurement: changes when any side changes. */
    default String fingerprint() {
        String test = testSha256().isEmpty() ? "" : ":" + testSha256();
        return sha256((trainSha256() + ":" + heldOutSha256() + test).getBytes(StandardCharsets.US_ASCII));
    }

    /** The lower-case hex sha256 of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
