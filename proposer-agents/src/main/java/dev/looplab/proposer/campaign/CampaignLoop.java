package dev.looplab.proposer.campaign;

import dev.looplab.trial.Direction;
import dev.looplab.events.Json;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Proposal;
import dev.looplab.proposer.ProposerConfig;
import dev.looplab.proposer.platform.CampaignStatus;
import dev.looplab.proposer.platform.PlatformClient;
import dev.looplab.proposer.platform.PlatformException;
import dev.looplab.proposer.specialist.ProposedEdit;
import dev.looplab.proposer.specialist.Specialist;
import dev.looplab.proposer.specialist.SpecialistContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Drives one campaign: every tick, when the platform has room and has processed our last
 * proposal, asks the next specialist of the roster for an edit of the best trial and publishes it
 * on {@code looplab.proposals}; every outcome on {@code looplab.outcomes} is shown to all specialists.
 */
@ApplicationScoped
public class CampaignLoop {
    private static final Logger LOG = Logger.getLogger(CampaignLoop.class);
    private static final long SEND_TIMEOUT_S = 30;

    @Inject
    ProposerConfig config;

    @Inject
    PlatformClient platform;

    @Inject
    @Any
    Instance<Specialist> specialistBeans;

    @Inject
    @Channel("proposals")
    Emitter<String> proposals;

    private List<Specialist> roster;
    private PendingProposals pending;
    private Random random;
    private int nextSpecialist;
    private TickResult lastResult;

    @PostConstruct
    void init() {
        roster = specialistBeans.stream().sorted(Comparator.comparing(Specialist::name)).toList();
        pending = new PendingProposals(config.home().resolve("proposer").resolve(config.campaign() + ".pending.jsonl"));
        random = config.proposer().seed().isPresent() ? new Random(config.proposer().seed().getAsLong()) : new Random();
        LOG.infof("proposer for campaign %s: specialists %s, parallelism %d, platform %s, %d proposal(s) pending",
                config.campaign(), roster.stream().map(Specialist::name).toList(), config.proposer().parallelism(),
                config.platform().url(), pending.all().size());
    }

    // skipped until startup completes: the emitter's channel is wired only then
    @Scheduled(every = "${looplab.proposer.tick:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        TickResult result;
        try {
            result = proposeIfIdle();
        } catch (PlatformException | ProposalNotSentException e) {
            result = TickResult.FAILED;
            if (lastResult != TickResult.FAILED) {
                LOG.warn(e.getMessage());
            }
        }
        if (result != lastResult) {
            LOG.debugf("campaign %s: %s", config.campaign(), result);
        }
        lastResult = result;
    }

    /** One step of the loop; synchronized so a manual call in a test never races the scheduler. */
    public synchronized TickResult proposeIfIdle() {
        Optional<CampaignStatus> found = platform.campaign(config.campaign());
        if (found.isEmpty()) {
            return TickResult.NO_CAMPAIGN;
        }
        CampaignStatus campaign = found.get();
        if (!campaign.hasBaselineScore()) {
            return TickResult.NO_BASELINE;
        }
        if (!settlePending()) {
            return TickResult.WAITING_FOR_PLATFORM;
        }
        if (campaign.inFlight() >= config.proposer().parallelism()) {
            return TickResult.BUSY;
        }
        for (int i = 0; i < roster.size(); i++) {
            Specialist specialist = roster.get(Math.floorMod(nextSpecialist++, roster.size()));
            String proposalId = UUID.randomUUID().toString();
            Optional<ProposedEdit> edit = specialist.propose(context(proposalId, campaign));
            if (edit.isPresent()) {
                publish(new Proposal(Proposal.SCHEMA, proposalId, campaign.campaign(), campaign.task(), specialist.name(),
                        specialist.surface(), campaign.bestTrialId(), edit.get().hypothesis(), edit.get().expectedDelta(),
                        edit.get().diff(), System.currentTimeMillis()));
                return TickResult.PROPOSED;
            }
        }
        return TickResult.NOTHING_TO_PROPOSE;
    }

    /** Shows each outcome of this campaign to every specialist; a processed proposal stops being pending. */
    @Incoming("outcomes")
    @Blocking // specialists may hold their lock during a platform call; keep that off the Kafka event loop
    public void onOutcome(String payload) {
        OutcomeRecorded outcome;
        try {
            outcome = Json.read(payload, OutcomeRecorded.class);
        } catch (Json.MalformedEventException e) {
            LOG.warnf("skipping a malformed record on looplab.outcomes: %s", e.getMessage());
            return;
        }
        if (!config.campaign().equals(outcome.campaign())) {
            return;
        }
        if (outcome.proposalId() != null) {
            pending.remove(outcome.proposalId());
        }
        for (Specialist specialist : roster) {
            specialist.observe(outcome);
        }
    }

    /** The proposals sent and not yet processed by the platform. */
    public List<PendingProposals.Pending> pending() {
        return pending.all();
    }

    /** Drops proposals the platform has processed and resends old unprocessed ones; true when none is left. */
    private boolean settlePending() {
        long now = System.currentTimeMillis();
        for (PendingProposals.Pending p : pending.all()) {
            if (platform.proposal(p.proposal().proposalId()).isPresent()) {
                pending.remove(p.proposal().proposalId());
            } else if (now - p.sentAtMs() > config.proposer().resendAfter().toMillis()) {
                LOG.infof("platform has not processed proposal %s after %s; sending it again",
                        p.proposal().proposalId(), config.proposer().resendAfter());
                publish(p.proposal());
            }
        }
        return pending.isEmpty();
    }

    private SpecialistContext context(String proposalId, CampaignStatus campaign) {
        return new SpecialistContext(proposalId, campaign.campaign(), campaign.task(), campaign.bestTrialId(),
                campaign.bestScore(), campaign.lowerIsBetter() ? Direction.lower : Direction.higher,
                campaign.trainBudgetSeconds(), platform::trialFile, random);
    }

    /** Records the proposal as pending first, so a crash between the two steps leads to a resend, not a loss. */
    private void publish(Proposal proposal) {
        pending.add(proposal, System.currentTimeMillis());
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(Json.write(proposal),
                Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(proposal.campaign()).build()),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                reason -> {
                    acked.completeExceptionally(reason);
                    return CompletableFuture.completedFuture(null);
                });
        proposals.send(message);
        try {
            acked.get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new ProposalNotSentException("proposal " + proposal.proposalId() + " was not acknowledged by Kafka ("
                    + e + "); it stays pending and is resent after " + config.proposer().resendAfter(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProposalNotSentException("interrupted while sending proposal " + proposal.proposalId(), e);
        }
        LOG.infof("proposed %s by %s on trial %s: %s", proposal.proposalId(), proposal.specialist(),
                proposal.parentTrial(), proposal.hypothesis());
    }

    /** Kafka did not take a proposal; it stays pending and the loop resends it later. */
    static final class ProposalNotSentException extends RuntimeException {
        ProposalNotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
