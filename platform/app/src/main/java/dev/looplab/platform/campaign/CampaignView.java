package dev.looplab.platform.campaign;

import java.time.Instant;

/**
 * A campaign as a proposer or a person sees it: its best trial, how many trials are in flight and recorded, its
 * trials' budget; its state, team and stop rules with what is left of them; the baseline's noise floor; and the
 * live workers with this campaign's fair share of them ({@code slots}: trials it may have in flight).
 */
public record CampaignView(String campaign, String task, String rootTrialId, String bestTrialId, Double bestScore,
                           String direction, long inFlight, long recorded, int trainBudgetSeconds,
                           CampaignState state, String team, String stopReason, Limits limits,
                           CampaignRules.Counts counts, Long remainingTrials, double hoursRunning,
                           Double baselineScore, NoiseFloor noiseFloor, int liveWorkers, int slots,
                           Instant createdAt, Instant stateChangedAt) {

    /** The stop rules; null means no limit. */
    public record Limits(Integer maxTrials, Double maxHours, Integer stopAfterNoKeep) {
    }

    /** The spread of the baseline's score over seeds (sample standard deviation of {@code runs} runs). */
    public record NoiseFloor(double sigma, int runs, double mean) {
    }
}
