package dev.looplab.proposer.specialist;

/** Reads a file of any trial's commit (the platform in production, a map in tests). */
@FunctionalInterface
public interface TrialFiles {
    String read(String trialId, String path);
}
