package dev.looplab.platform.campaign;

/** Where a campaign is in its life: proposals are taken only while it runs; stopped is final. */
public enum CampaignState {
    running, paused, stopped
}
