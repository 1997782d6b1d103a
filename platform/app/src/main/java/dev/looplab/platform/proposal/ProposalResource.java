package dev.looplab.platform.proposal;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.events.Proposal;
import dev.looplab.platform.rest.ErrorBody;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.UUID;

/** Proposals by HTTP: submit one (same path as Kafka), or ask what became of one. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/proposals")
@Produces(MediaType.APPLICATION_JSON)
public class ProposalResource {

    /** What became of a proposal: its trial's status, or {@code rejected} when no trial was made. */
    public record ProposalStatus(String proposalId, String trialId, String status, String reason) {
    }

    @Inject
    ProposalService service;
    @Inject
    TrialRepository trials;

    @GET
    @Path("/{id}")
    public ProposalStatus status(@PathParam("id") String id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var trial = trials.findByProposal(id);
            if (trial.isPresent()) {
                Trial t = trial.get();
                return new ProposalStatus(id, t.id, t.status.name(), t.reason);
            }
            ProposalRejection rejection = trials.getEntityManager().find(ProposalRejection.class, id);
            if (rejection != null) {
                return new ProposalStatus(id, null, "rejected", rejection.reason);
            }
            throw new NotFoundException("proposal '" + id + "' has not been processed (or never arrived)");
        });
    }

    /** Accepts a proposal synchronously: 201 with the trial, or 422 with the reason it was refused. */
    @RolesAllowed(Role.Names.AGENT)
    @POST
    public Response submit(Proposal proposal) {
        if (proposal == null) {
            return ErrorBody.of(400, "the body is empty or null: send a JSON Proposal {campaign, task, specialist,"
                    + " surface, parentTrial, hypothesis, diff} (docs/events.md)");
        }
        Proposal p = proposal.proposalId() == null || proposal.proposalId().isBlank()
                ? new Proposal(Proposal.SCHEMA, UUID.randomUUID().toString(), proposal.campaign(), proposal.task(),
                proposal.specialist(), proposal.surface(), proposal.parentTrial(), proposal.hypothesis(),
                proposal.expectedDelta(), proposal.diff(), System.currentTimeMillis())
                : proposal;
        ProposalService.Acceptance result = service.accept(p);
        ProposalStatus status = status(p.proposalId());
        if (result instanceof ProposalService.Refused || result instanceof ProposalService.PreflightRejected) {
            return Response.status(422).entity(status).build();
        }
        return Response.status(result instanceof ProposalService.Accepted ? 201 : 200).entity(status).build();
    }
}
