package dev.looplab.platform.proposal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A proposal refused before it could become a trial (unknown task or parent, empty hypothesis). */
@Entity
@Table(name = "proposal_rejection")
public class ProposalRejection {
    @Id
    @Column(name = "proposal_id")
    public String proposalId;
    @Column(name = "campaign_id")
    public String campaignId;
    public String specialist;
    public String reason;
    @Column(name = "created_at")
    public Instant createdAt = Instant.now();
}
