package dev.looplab.proposer.platform;

/** What the platform did with a proposal ({@code GET /api/proposals/{id}}): accepted into a trial or refused. */
public record ProposalStatus(String proposalId, String trialId, String status, String reason) {
}
