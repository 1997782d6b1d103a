package dev.looplab.proposer.platform;

/**
 * The platform's view of a campaign ({@code GET /api/campaigns/{campaign}}): its best trial so far
 * how many trials are accepted but not yet recorded, and the training budget its trials run under.
 */
public record CampaignStatus(
        String campaign,
        String task,
        String bestTrialId,
        Double bestScore,
        String direction,
        int inFlight,
        int recorded,
        int trainBudgetSeconds) {

    /** True once the baseline has a score, so specialists have something to improve on. */
    public boolean hasBaselineScore() {
        return bestTrialId != null && bestScore != null;
    }

    /** True when a lower score is better (the default when the platform does not say). */
    public boolean lowerIsBetter() {
        return !"higher".equalsIgnoreCase(direction);
    }
}
