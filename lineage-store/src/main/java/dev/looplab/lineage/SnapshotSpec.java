package dev.looplab.lineage;

import dev.looplab.diff.RecipePaths;
import dev.looplab.lineage.note.OutcomeNote;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trial recorded from its whole files rather than from a diff, as an importer of another tool's history
 * knows it. Null {@code files} mean the trial's code is unknown (the commit then holds only
 * {@value #CODE_UNKNOWN_FILE}); a null parent makes the trial the lineage's root.
 *
 * @param trailers extra trailers after {@code Looplab-Trial} and {@code Looplab-Parent}, in order
 * @param time author and commit time; null means now
 */
public record SnapshotSpec(String trialId, String parentTrialId, String message, Map<String, String> trailers,
        Map<String, byte[]> files, Instant time) {

    /** The only file of a trial whose code is unknown; it says so to whoever checks the commit out. */
    public static final String CODE_UNKNOWN_FILE = OutcomeNote.CODE_UNKNOWN_FILE;

    public SnapshotSpec {
        Ids.requireId("trialId", trialId);
        if (parentTrialId != null) {
            Ids.requireId("parentTrialId", parentTrialId);
            if (parentTrialId.equals(trialId)) {
                throw new IllegalArgumentException("trial " + trialId + " names itself as parent; pass a recorded trial");
            }
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message of trial " + trialId + " is empty; say what the trial tried");
        }
        trailers = Collections.unmodifiableMap(new LinkedHashMap<>(trailers));
        trailers.forEach((key, value) -> {
            if (key.equals(CommitMessages.TRIAL) || key.equals(CommitMessages.PARENT)) {
                throw new IllegalArgumentException("trailer " + key + " of trial " + trialId
                        + " is written by the store; leave it out of the extra trailers");
            }
            Ids.requireOneLine("trailer " + key, value);
        });
        if (files != null) {
            for (String path : files.keySet()) {
                String problem = RecipePaths.problem(path);
                if (problem != null) {
                    throw new IllegalArgumentException("file '" + path + "' of trial " + trialId + " " + problem
                            + "; pass paths relative to the recipe root");
                }
            }
            files = Collections.unmodifiableMap(new TreeMap<>(files));
        }
    }

    /** True when the trial's files are known. */
    public boolean codeKnown() {
        return files != null;
    }
}
