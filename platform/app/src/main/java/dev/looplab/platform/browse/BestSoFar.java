package dev.looplab.platform.browse;

import java.util.List;

/**
 * A campaign's search progress: every recorded trial (the root and the proposals) numbered in recording order
 * ({@code index}, from 1), its score where it has one, and the best score after it. {@code keeps} are the steps
 * of the best-so-far line ({@code keepCount} of them in all); {@code points} are the scored trials, thinned to at
 * most the asked number by keeping each stretch's lowest and highest score. Keeps are dropped only when they alone
 * would fill more than half the points ({@code keepsThinned}): then each stretch keeps its first and last. {@code noiseFloor} is the spread of
 * the baseline over seeds; a keep must beat the best by more than {@code 2 * sigma} (or the task's threshold).
 */
public record BestSoFar(String campaign, String direction, Double baselineScore, NoiseFloor noiseFloor,
                        long recorded, long scored, boolean thinned, long keepCount, boolean keepsThinned,
                        List<Step> keeps, List<Point> points,
                        Long firstAtMs, Long lastAtMs) {

    /**
     * A trial that became the best: where it sits on both axes and what it scored, on the validation slice the search
     * selects on and ({@code testScore}, null when the task has none) on the test slice it never sees.
     */
    public record Step(long index, long atMs, String trialId, double score, Double testScore, String specialist) {
    }

    /** A scored trial; {@code best} is the campaign's best score after it was recorded. */
    public record Point(long index, long atMs, String trialId, double score, Double best, boolean keep) {
    }

    /** The baseline's spread over {@code runs} seeds; the noise band is {@code best +- 2 sigma}. */
    public record NoiseFloor(double sigma, int runs, double mean, double band) {
    }
}
