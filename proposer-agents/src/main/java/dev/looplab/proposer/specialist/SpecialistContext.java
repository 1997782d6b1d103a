package dev.looplab.proposer.specialist;

import dev.looplab.trial.Direction;
import java.util.random.RandomGenerator;

/**
 * What a specialist sees when asked for a proposal: the id the proposal will carry, the campaign,
 * its best trial (the parent) with score and direction, the training budget trials run under (0 when the
 * platform did not say), read access to trial files and a seeded random.
 */
public record SpecialistContext(
        String proposalId,
        String campaign,
        String task,
        String parentTrial,
        double parentScore,
        Direction direction,
        int trainBudgetSeconds,
        TrialFiles files,
        RandomGenerator random) {

    /** A file of the parent trial, e.g. {@code Recipe.java}. */
    public String parentFile(String path) {
        return files.read(parentTrial, path);
    }
}
