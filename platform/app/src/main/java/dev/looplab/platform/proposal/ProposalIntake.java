package dev.looplab.platform.proposal;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import dev.looplab.platform.messaging.RecordGuard;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Consumes {@code looplab.proposals}; a record that is not a proposal goes to the dead letters with its reason
 * (see {@link RecordGuard}), and no record stops the intake.
 */
@ApplicationScoped
public class ProposalIntake {
    static final String CONSUMER = "platform proposal intake";

    @Inject
    ProposalService proposals;
    @Inject
    RecordGuard guard;

    @Incoming("proposals")
    @Blocking(ordered = true)
    public void onProposal(ConsumerRecord<String, byte[]> record) {
        guard.consume(CONSUMER, record, payload -> proposals.accept(
                Json.read(payload, Proposal.class, Proposal.SCHEMA, Proposal::schema)));
    }
}
