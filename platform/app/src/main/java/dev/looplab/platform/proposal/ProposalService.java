package dev.looplab.platform.proposal;

import io.micrometer.core.instrument.MeterRegistry;

import dev.looplab.evaluation.task.UnknownTaskException;
import dev.looplab.trial.TrialStatus;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Proposal;
import dev.looplab.lineage.DiffRejectedException;
import dev.looplab.lineage.TrialCommit;
import dev.looplab.lineage.TrialSpec;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.campaign.CampaignRules;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.messaging.LiveUpdates;
import dev.looplab.platform.messaging.Publisher;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a proposal into a trial: validate, apply the diff to the parent's commit, commit it to the
 * lineage, record the row, schedule the run. Safe to call twice with the same proposal.
 */
@ApplicationScoped
public class ProposalService {
    private static final Logger LOG = Logger.getLogger(ProposalService.class);

    @Inject
    TrialRepository trials;
    @Inject
    CampaignRepository campaigns;
    @Inject
    LineageService lineage;
    @Inject
    TaskService tasks;
    @Inject
    RunScheduler runs;
    @Inject
    Publisher publisher;
    @Inject
    LiveUpdates live;
    @Inject
    CampaignRules campaignRules;
    @Inject
    MeterRegistry registry;

    /** What became of a proposal. */
    public sealed interface Acceptance {
        String proposalId();
    }

    public record Accepted(String proposalId, Trial trial) implements Acceptance {
    }

    public record PreflightRejected(String proposalId, Trial trial) implements Acceptance {
    }

    public record Refused(String proposalId, String reason) implements Acceptance {
    }

    public record AlreadySeen(String proposalId) implements Acceptance {
    }

    public Acceptance accept(Proposal proposal) {
        Acceptance result = QuarkusTransaction.requiringNew().call(() -> acceptInTransaction(proposal));
        registry.counter("looplab_proposals_total", "result", result instanceof Accepted ? "accepted"
                : result instanceof PreflightRejected ? "preflight_reject"
                : result instanceof Refused ? "refused" : "duplicate").increment();
        if (result instanceof Accepted a) {
            runs.scheduleRun(a.trial());
            live.trialChanged(a.trial().id, a.trial().status);
        } else if (result instanceof PreflightRejected r) {
            publisher.announceOutcome(rejection(proposal, r.trial().id, r.trial().reason));
        } else if (result instanceof Refused r) {
            publisher.announceOutcome(rejection(proposal, null, r.reason()));
        } else {
            LOG.debugf("proposal %s delivered again; nothing to do", result.proposalId());
        }
        return result;
    }

    /** Longest hypothesis a proposal may carry; it is a commit message and a line in every view. */
    static final int MAX_HYPOTHESIS_CHARS = 10_000;
    /** Longest id or name (proposal, campaign, task, specialist, surface, parent). */
    static final int MAX_NAME_CHARS = 100;

    /** Checks what can be checked without the diff; the message names the bad field and the fix. */
    public void validate(Proposal p) {
        if (blank(p.proposalId())) {
            throw new Refusal("proposalId is empty: give every proposal a unique id (a UUID)");
        }
        Map<String, String> names = new java.util.LinkedHashMap<>();
        names.put("proposalId", p.proposalId());
        names.put("campaign", p.campaign());
        names.put("task", p.task());
        names.put("specialist", p.specialist());
        names.put("surface", p.surface());
        names.put("parentTrial", p.parentTrial());
        names.forEach((field, value) -> {
            if (value != null && value.length() > MAX_NAME_CHARS) {
                throw new Refusal(field + " is " + value.length() + " characters: names and ids are at most "
                        + MAX_NAME_CHARS);
            }
        });
        if (blank(p.task())) {
            throw new Refusal("task is empty: name the task the proposal edits, for example golf-mini");
        }
        TaskDefinition task;
        try {
            task = tasks.find(p.task());
        } catch (UnknownTaskException e) {
            throw new Refusal(e.getMessage());
        }
        Campaign campaign = blank(p.campaign()) ? null : campaigns.findById(p.campaign());
        if (campaign == null) {
            throw new Refusal("unknown campaign '" + p.campaign() + "': propose to a campaign the platform runs");
        }
        if (!campaign.task.equals(task.name())) {
            throw new Refusal("campaign '" + p.campaign() + "' runs task '" + campaign.task + "', not '" + p.task()
                    + "': send the proposal with task " + campaign.task);
        }
        Optional<String> closed = campaignRules.closedReason(campaign);
        if (closed.isPresent()) {
            throw new Refusal(closed.get());
        }
        if (blank(p.parentTrial())) {
            throw new Refusal("parentTrial is empty: name the trial whose recipe the diff edits");
        }
        Trial parent = trials.findById(p.parentTrial());
        if (parent == null || !parent.task.equals(task.name()) || parent.commitId == null) {
            throw new Refusal("unknown parent trial '" + p.parentTrial() + "' in task " + task.name()
                    + ": propose against a trial that exists and has a commit (the campaign's best is "
                    + campaign.bestTrialId + ")");
        }
        if (blank(p.hypothesis())) {
            throw new Refusal("hypothesis is empty: say in a sentence why the edit should help");
        }
        if (p.hypothesis().length() > MAX_HYPOTHESIS_CHARS) {
            throw new Refusal("hypothesis is " + p.hypothesis().length() + " characters: keep it under "
                    + MAX_HYPOTHESIS_CHARS + " (a short first line, then the reasoning)");
        }
        if (blank(p.diff())) {
            throw new Refusal("diff is empty: send a unified diff against the parent trial's recipe");
        }
        if (blank(p.specialist()) || blank(p.surface())) {
            throw new Refusal("specialist and surface are required: name the proposer and the surface it edits");
        }
        if (!task.surfaces().containsKey(p.surface())) {
            throw new Refusal("surface '" + p.surface() + "' is not a surface of task " + task.name()
                    + ": use one of " + task.surfaceNames());
        }
    }

    private Acceptance acceptInTransaction(Proposal p) {
        if (!blank(p.proposalId()) && (trials.findByProposal(p.proposalId()).isPresent()
                || trials.getEntityManager().find(ProposalRejection.class, p.proposalId()) != null)) {
            return new AlreadySeen(p.proposalId());
        }
        try {
            validate(p);
        } catch (Refusal refusal) {
            // an id too long to be a key is refused without a row: there is nothing to deduplicate it by
            if (!blank(p.proposalId()) && p.proposalId().length() <= MAX_NAME_CHARS) {
                ProposalRejection rejection = new ProposalRejection();
                rejection.proposalId = p.proposalId();
                rejection.campaignId = cut(p.campaign());
                rejection.specialist = cut(p.specialist());
                rejection.reason = refusal.getMessage();
                trials.getEntityManager().persist(rejection);
            }
            LOG.infof("refused proposal %s: %s", p.proposalId(), refusal.getMessage());
            return new Refused(p.proposalId(), refusal.getMessage());
        }
        Trial trial = new Trial();
        trial.id = trials.nextTrialId();
        trial.proposalId = p.proposalId();
        trial.campaignId = p.campaign();
        trial.task = p.task();
        trial.specialist = p.specialist();
        trial.surface = p.surface();
        trial.parentTrialId = p.parentTrial();
        trial.hypothesis = p.hypothesis().strip();
        trial.expectedDelta = p.expectedDelta();
        trial.recordProposer(KnobChanges.of(p.diff()), p.model(), p.tokensIn(), p.tokensOut());
        Optional<String> outsideSurface = SurfaceGuard.check(tasks.find(p.task()), p.surface(), p.diff());
        if (outsideSurface.isPresent()) {
            return preflightReject(p, trial, outsideSurface.get());
        }
        try {
            TrialCommit commit = lineage.store(p.task()).recordTrial(new TrialSpec(trial.id, p.parentTrial(),
                    p.campaign(), p.specialist(), p.surface(), trial.hypothesis, p.diff(), modelTrailers(p)));
            trial.commitId = commit.commitId();
            trial.status = TrialStatus.queued;
            trials.persist(trial);
            LOG.infof("trial %s accepted from %s: %s", trial.id, p.specialist(), firstLine(trial.hypothesis));
            return new Accepted(p.proposalId(), trial);
        } catch (DiffRejectedException e) {
            return preflightReject(p, trial, e.getMessage());
        }
    }

    /** A trial refused before any compute: recorded with its reason, no commit, no run. */
    private PreflightRejected preflightReject(Proposal p, Trial trial, String reason) {
        trial.status = TrialStatus.preflight_reject;
        trial.reason = reason;
        trial.feedback = reason;
        trial.recordedAt = Instant.now();
        trials.persist(trial);
        LOG.infof("trial %s preflight_reject: %s", trial.id, reason);
        return new PreflightRejected(p.proposalId(), trial);
    }

    /** The model and tokens of a proposal written by a language model, as commit trailers; none otherwise. */
    private static Map<String, String> modelTrailers(Proposal p) {
        Map<String, String> trailers = new LinkedHashMap<>();
        if (!blank(p.model())) {
            trailers.put("Looplab-Model", p.model().strip().replaceAll("\\s+", " "));
        }
        if (p.tokensIn() != null) {
            trailers.put("Looplab-Tokens-In", Long.toString(p.tokensIn()));
        }
        if (p.tokensOut() != null) {
            trailers.put("Looplab-Tokens-Out", Long.toString(p.tokensOut()));
        }
        return trailers;
    }

    private OutcomeRecorded rejection(Proposal p, String trialId, String reason) {
        return new OutcomeRecorded(OutcomeRecorded.SCHEMA, p.proposalId(), trialId, p.campaign(), p.task(),
                p.specialist(), p.parentTrial(), TrialStatus.preflight_reject, null, null, null, null, null,
                reason, System.currentTimeMillis());
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_NAME_CHARS ? s : s.substring(0, MAX_NAME_CHARS);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
