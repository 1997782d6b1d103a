package dev.looplab.platform.campaign;

/**
 * What a researcher asks for when starting a campaign ({@code POST /api/campaigns}): the task, the team and the
 * stop rules; {@code campaign} is the id, made from the task and the time when absent. Null limits mean none.
 */
public record CampaignSpec(String campaign, String task, String team, Integer maxTrials, Double maxHours,
                           Integer stopAfterNoKeep) {
}
