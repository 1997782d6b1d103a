package dev.looplab.proposer.platform;

/**
 * The platform's view of a campaign ({@code GET /api/campaigns/{id}}): its best trial, trials in flight and
 * recorded, the training budget, its state and team, what is left of its trial budget, the baseline's noise floor,
 * and its fair share of the live workers ({@code slots}). Fields an older platform does not send are null or 0.
 */
public record CampaignView(
        String campaign,
        String task,
        String rootTrialId,
        String bestTrialId,
        Double bestScore,
        String direction,
        int inFlight,
        int recorded,
        int trainBudgetSeconds,
        String state,
        String team,
        String stopReason,
        Long remainingTrials,
        Double baselineScore,
        NoiseFloor noiseFloor,
        int liveWorkers,
        int slots) {

    /** The spread of the baseline's score over seeds. */
    public record NoiseFloor(double sigma, int runs, double mean) {
    }

    /** A view with the fields every platform sends (tests and older platforms). */
    public CampaignView(String campaign, String task, String bestTrialId, Double bestScore, String direction,
                        int inFlight, int recorded, int trainBudgetSeconds) {
        this(campaign, task, null, bestTrialId, bestScore, direction, inFlight, recorded, trainBudgetSeconds,
                "running", "specialists", null, null, bestScore, null, 0, 0);
    }

    /** True once the baseline has a score, so specialists have something to improve on. */
    public boolean hasBaselineScore() {
        return bestTrialId != null && bestScore != null;
    }

    /** True when a lower score is better (the default when the platform does not say). */
    public boolean lowerIsBetter() {
        return !"higher".equalsIgnoreCase(direction);
    }

    /** True while the campaign takes proposals (a platform without states runs every campaign). */
    public boolean isRunning() {
        return state == null || "running".equals(state);
    }

    /** The team's name, {@code specialists} when the platform does not say. */
    public String teamOrDefault() {
        return team == null || team.isBlank() ? "specialists" : team;
    }

    /** The noise floor's sigma, 0 while it is not measured. */
    public double sigma() {
        return noiseFloor == null ? 0 : noiseFloor.sigma();
    }
}
