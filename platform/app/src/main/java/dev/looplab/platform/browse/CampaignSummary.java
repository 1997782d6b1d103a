package dev.looplab.platform.browse;

import java.util.List;

/**
 * A campaign in the campaigns list: its task, best, how many trials it ran and how fast, what is in flight on how
 * many workers, and its best-so-far line in a few points ({@code sparkline}: the best score after each keep, at
 * most {@value CampaignStats#SPARKLINE_POINTS}, the latest last).
 */
public record CampaignSummary(String campaign, String task, String rootTrialId, String bestTrialId, Double bestScore,
                              String direction, long trials, long recorded, long keeps, long failures, long inFlight,
                              long workers, long trialsLastHour, Double trialsPerHour, Long createdAtMs,
                              Long lastRecordedAtMs, boolean imported, List<Double> sparkline) {
}
