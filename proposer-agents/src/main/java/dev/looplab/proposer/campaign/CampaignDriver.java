package dev.looplab.proposer.campaign;

import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Proposal;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.messaging.ProposalPublisher;
import dev.looplab.proposer.meta.KnowledgeSummary;
import dev.looplab.proposer.meta.MetaAgent;
import dev.looplab.proposer.patch.Patch;
import dev.looplab.proposer.platform.CampaignView;
import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.proposer.platform.LineageRow;
import dev.looplab.proposer.platform.PlatformClient;
import dev.looplab.proposer.platform.TaskView;
import dev.looplab.proposer.search.History;
import dev.looplab.proposer.specialist.ProposedEdit;
import dev.looplab.proposer.specialist.Recipe;
import dev.looplab.proposer.specialist.Specialist;
import dev.looplab.proposer.specialist.SpecialistContext;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import dev.looplab.trial.TrialStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * Drives one campaign: each tick it settles its pending proposals, reads the campaign's view, lineage rows and
 * task from the platform, keeps the knowledge summary current, and fills every free slot (its fair share of the live
 * workers, within what is left of its trial budget): the meta agent ranks the team, the first specialist with an
 * edit worth trying takes the slot, and the proposal is published and kept pending until the platform has
 * processed it. Everything it knows is read back from the platform, so a restarted proposer resumes without
 * proposing twice.
 */
final class CampaignDriver {
    private static final Logger LOG = Logger.getLogger(CampaignDriver.class);
    static final Duration ROWS_MAX_AGE = Duration.ofSeconds(30);

    /** How the driver paces itself. */
    record Settings(int parallelism, Duration resendAfter, int maxPerTick, Duration knowledgeEvery, double metaFloor) {
    }

    private final String campaign;
    private final PlatformClient platform;
    private final ProposalPublisher publisher;
    private final ProposerMetrics metrics;
    private final TeamFactory teams;
    private final Settings settings;
    private final PendingProposals pending;
    private final RandomGenerator random;
    private final MetaAgent meta;
    private final ConcurrentLinkedQueue<String> processed = new ConcurrentLinkedQueue<>();
    private volatile boolean dirty = true;

    private TaskView task;
    private String teamName;
    private List<Specialist> team = List.of();
    private Recipe root;
    private List<LineageRow> rows = List.of();
    private long rowsAtMs;
    private String rowsKey = "";
    private final Map<String, Recipe> recipes = new HashMap<>();
    private Optional<String> knowledge = Optional.empty();
    private long knowledgeRecorded = -1;
    private long knowledgeAtMs;
    private MetaAgent.Allocation lastAllocation;
    private final Set<String> saidOnce = new HashSet<>();
    private TickResult last;

    CampaignDriver(String campaign, PlatformClient platform, ProposalPublisher publisher, ProposerMetrics metrics,
                   TeamFactory teams, Settings settings, PendingProposals pending, RandomGenerator random) {
        this.campaign = campaign;
        this.platform = platform;
        this.publisher = publisher;
        this.metrics = metrics;
        this.teams = teams;
        this.settings = settings;
        this.pending = pending;
        this.random = random;
        this.meta = new MetaAgent(settings.metaFloor());
    }

    String campaign() {
        return campaign;
    }

    List<PendingProposals.Pending> pending() {
        return pending.all();
    }

    List<Specialist> team() {
        return team;
    }

    /** An outcome of this campaign arrived: its proposal is processed, and the rows are stale. Never blocks. */
    void outcomeArrived(OutcomeRecorded outcome) {
        if (outcome.proposalId() != null) {
            processed.add(outcome.proposalId());
        }
        dirty = true;
    }

    /** One step; safe to call from one thread at a time. */
    synchronized TickResult tick() {
        TickResult result;
        try {
            result = step();
        } catch (RuntimeException e) {
            result = TickResult.FAILED;
            if (last != TickResult.FAILED) {
                LOG.warnf("campaign %s: %s", campaign, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        if (result != last) {
            LOG.debugf("campaign %s: %s", campaign, result);
        }
        last = result;
        return result;
    }

    private TickResult step() {
        settlePending();
        Optional<CampaignView> found = platform.campaign(campaign);
        if (found.isEmpty()) {
            return TickResult.NO_CAMPAIGN;
        }
        CampaignView view = found.get();
        if (!view.isRunning()) {
            if (sayOnce("state:" + view.state())) {
                LOG.infof("campaign %s is %s%s: proposing nothing", campaign, view.state(),
                        view.stopReason() == null ? "" : " (" + view.stopReason() + ")");
            }
            return "paused".equals(view.state()) ? TickResult.PAUSED : TickResult.STOPPED;
        }
        saidOnce.removeIf(s -> s.startsWith("state:"));
        if (!view.hasBaselineScore()) {
            return TickResult.NO_BASELINE;
        }
        if (!ensureTeam(view)) {
            return TickResult.NO_TASK;
        }
        refreshRows(view);
        History history = history(view);
        writeKnowledge(view, history);

        int slots = settings.parallelism() > 0 ? settings.parallelism() : Math.max(1, view.slots());
        int free = slots - view.inFlight() - pending.all().size();
        if (view.remainingTrials() != null) {
            long left = view.remainingTrials() - pending.all().size();
            if (left <= 0) {
                return TickResult.BUDGET_SPENT;
            }
            free = (int) Math.min(free, left);
        }
        if (free <= 0) {
            return TickResult.BUSY;
        }
        Recipe parent = recipe(view.bestTrialId());
        int proposed = 0;
        for (int i = 0; i < Math.min(free, settings.maxPerTick()); i++) {
            if (!proposeOne(view, parent, history)) {
                break;
            }
            proposed++;
            history = history(view);
        }
        if (proposed == 0 && sayOnce("nothing:" + view.bestTrialId())) {
            LOG.infof("campaign %s: no specialist has an edit worth trying from trial %s; waiting for a new best",
                    campaign, view.bestTrialId());
        }
        return proposed > 0 ? TickResult.PROPOSED : TickResult.NOTHING_TO_PROPOSE;
    }

    /** Offers one slot to the team in the meta agent's order; true when a proposal was published. */
    private boolean proposeOne(CampaignView view, Recipe parent, History history) {
        double keepBar = keepBar(view);
        List<String> names = team.stream().map(Specialist::name).toList();
        MetaAgent.Allocation allocation = meta.allocate(names, history, keepBar, random);
        lastAllocation = allocation;
        SpecialistContext ctx = SpecialistContext.of(UUID.randomUUID().toString(), view, task, parent, history,
                knowledge, random);
        for (String name : allocation.order()) {
            Specialist specialist = team.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            Optional<ProposedEdit> edit = specialist.propose(ctx);
            if (edit.isEmpty()) {
                continue;
            }
            if (team.size() > 1) {
                LOG.infof("meta %s: slot -> %s", campaign, allocation.describe(name));
                metrics.allocation(campaign, edit.get().specialist());
            }
            publish(ctx.proposalId(), view, edit.get());
            return true;
        }
        return false;
    }

    private void publish(String proposalId, CampaignView view, ProposedEdit edit) {
        Proposal proposal = new Proposal(Proposal.SCHEMA, proposalId, view.campaign(), view.task(), edit.specialist(),
                edit.surface(), view.bestTrialId(), edit.hypothesis(), edit.expectedDelta(), edit.diff(),
                System.currentTimeMillis(), edit.model(), edit.tokensIn(), edit.tokensOut());
        // pending first: a crash between the two steps leads to a resend, never a loss
        pending.add(proposal, System.currentTimeMillis());
        publisher.send(proposal);
        metrics.proposalSent(view.campaign(), edit.specialist(), edit.surface());
        String firstLine = edit.hypothesis().lines().findFirst().orElse("");
        LOG.infof("proposed %s by %s on trial %s: %s", proposalId, edit.specialist(), view.bestTrialId(), firstLine);
    }

    /** Drops proposals the platform has processed; resends old unprocessed ones (same id; the platform dedupes). */
    private void settlePending() {
        for (String id; (id = processed.poll()) != null; ) {
            pending.remove(id);
        }
        long now = System.currentTimeMillis();
        for (PendingProposals.Pending p : pending.all()) {
            if (platform.proposal(p.proposal().proposalId()).isPresent()) {
                pending.remove(p.proposal().proposalId());
                dirty = true;
            } else if (now - p.sentAtMs() > settings.resendAfter().toMillis()) {
                LOG.infof("platform has not processed proposal %s after %s; sending it again",
                        p.proposal().proposalId(), settings.resendAfter());
                pending.add(p.proposal(), now);
                publisher.send(p.proposal());
            }
        }
    }

    private boolean ensureTeam(CampaignView view) {
        if (task != null && view.teamOrDefault().equals(teamName)) {
            return true;
        }
        Optional<TaskView> found = platform.task(view.task());
        if (found.isEmpty() || found.get().entry() == null) {
            if (sayOnce("no-task")) {
                LOG.infof("campaign %s runs %s, which is not a task of the platform (an imported history?); not"
                        + " proposing to it", campaign, view.task());
            }
            return false;
        }
        task = found.get();
        String rootTrial = view.rootTrialId() != null ? view.rootTrialId() : view.bestTrialId();
        root = recipe(rootTrial);
        teamName = view.teamOrDefault();
        team = teams.build(campaign, teamName, task, root);
        knowledge = platform.knowledge(campaign);
        LOG.infof("campaign %s on %s: team %s %s", campaign, task.name(), teamName,
                team.stream().map(Specialist::name).toList());
        return true;
    }

    private void refreshRows(CampaignView view) {
        String key = view.recorded() + "/" + view.inFlight() + "/" + view.bestTrialId();
        long now = System.currentTimeMillis();
        if (dirty || !key.equals(rowsKey) || now - rowsAtMs > ROWS_MAX_AGE.toMillis()) {
            dirty = false;
            rows = platform.lineage(campaign);
            rowsKey = key;
            rowsAtMs = now;
        }
    }

    /** The rows, plus a row per pending proposal (queued, with its knob changes), as the search sees them. */
    private History history(CampaignView view) {
        List<LineageRow> all = new ArrayList<>(rows);
        for (PendingProposals.Pending p : pending.all()) {
            Proposal proposal = p.proposal();
            Map<String, KnobChange> knobs = new LinkedHashMap<>();
            try {
                Recipe parent = recipe(proposal.parentTrial());
                Map<String, String> after = KnobParser.literals(Patch.parse(proposal.diff()).applyTo(parent.text()));
                parent.config().forEach((k, v) -> {
                    if (after.containsKey(k) && !after.get(k).equals(v)) {
                        knobs.put(k, new KnobChange(v, after.get(k)));
                    }
                });
            } catch (RuntimeException e) {
                // a proposal whose diff no longer reads still counts for the meta agent
            }
            all.add(new LineageRow("pending:" + proposal.proposalId(), proposal.parentTrial(), proposal.specialist(),
                    proposal.surface(), "proposal", TrialStatus.queued, null, null, null, proposal.expectedDelta(),
                    knobs, proposal.hypothesis(), null, null, null, proposal.model(), proposal.tokensIn(),
                    proposal.tokensOut(), p.sentAtMs(), null));
        }
        return History.of(all, root.config(), view.lowerIsBetter());
    }

    double keepBar(CampaignView view) {
        return SpecialistContext.keepBar(task, view);
    }

    /** Rewrites the knowledge summary after new outcomes, at most every {@code knowledgeEvery}. */
    private void writeKnowledge(CampaignView view, History history) {
        long now = System.currentTimeMillis();
        if (view.recorded() == knowledgeRecorded || now - knowledgeAtMs < settings.knowledgeEvery().toMillis()) {
            return;
        }
        MetaAgent.Allocation allocation = lastAllocation != null ? lastAllocation
                : meta.allocate(team.stream().map(Specialist::name).toList(), history, keepBar(view), random);
        String markdown = KnowledgeSummary.render(view, task.surfaces(), history, keepBar(view), allocation);
        try {
            platform.putKnowledge(campaign, markdown);
            knowledge = Optional.of(markdown);
            knowledgeRecorded = view.recorded();
            knowledgeAtMs = now;
            LOG.infof("knowledge of %s updated (%d trials recorded, %d bytes)", campaign, view.recorded(),
                    markdown.length());
        } catch (RuntimeException e) {
            knowledgeAtMs = now; // try again after knowledgeEvery
            LOG.warnf("cannot store the knowledge of %s: %s", campaign, e.getMessage());
        }
    }

    private Recipe recipe(String trial) {
        Recipe cached = recipes.get(trial);
        if (cached == null) {
            cached = Recipe.of(task.entry(), platform.trialFile(trial, task.entry()));
            if (recipes.size() > 256) {
                recipes.clear();
            }
            recipes.put(trial, cached);
        }
        return cached;
    }

    private boolean sayOnce(String what) {
        return saidOnce.add(what);
    }

}
