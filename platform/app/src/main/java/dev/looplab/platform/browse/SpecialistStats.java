package dev.looplab.platform.browse;

/**
 * What one specialist's proposals came to in a campaign. {@code totalGain} sums, over its keeps, how much each
 * improved the best (in the score's better direction, so always positive); {@code meanGain} is that total per
 * scored trial, what a trial of this specialist has been worth on average.
 */
public record SpecialistStats(String specialist, long trials, long scored, long keeps, Double keepRate,
                              double totalGain, Double meanGain, long crashes, long failures, long inFlight,
                              Double bestScore) {
}
