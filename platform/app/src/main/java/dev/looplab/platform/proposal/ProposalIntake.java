package dev.looplab.platform.proposal;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes {@code looplab.proposals}; a payload that does not decode is logged and skipped. */
@ApplicationScoped
public class ProposalIntake {
    private static final Logger LOG = Logger.getLogger(ProposalIntake.class);

    @Inject
    ProposalService trials;

    @Incoming("proposals")
    @Blocking(ordered = true)
    public void onProposal(String payload) {
        Proposal proposal;
        try {
            proposal = Json.read(payload, Proposal.class);
        } catch (Json.MalformedEventException e) {
            LOG.warnf("skipping a proposal that is not valid JSON (%s): %.200s", e.getMessage(), payload);
            return;
        }
        trials.accept(proposal);
    }
}
