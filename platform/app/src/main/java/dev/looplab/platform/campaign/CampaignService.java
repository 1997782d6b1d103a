package dev.looplab.platform.campaign;

import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.evaluation.task.UnknownTaskException;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialCommit;
import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.TrialStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Starts, pauses, resumes and stops campaigns. At start the platform opens the configured campaign; a new one's
 * task gets its baseline recipe as root commit and root trial when the task is new, which runs first (with the
 * noise-floor runs) so every later trial has a score to beat.
 */
@ApplicationScoped
public class CampaignService {
    private static final Logger LOG = Logger.getLogger(CampaignService.class);
    // the id becomes a git ref name, a Kafka key and a file name: keep it plain
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Inject
    LooplabConfig config;
    @Inject
    CampaignRepository campaigns;
    @Inject
    TrialRepository trials;
    @Inject
    LineageService lineage;
    @Inject
    TaskService tasks;
    @Inject
    RunScheduler runs;
    @Inject
    NoiseRuns noiseRuns;

    /** What became of a start, pause, resume or stop. */
    public sealed interface Change {
    }

    /** Done; {@code created} is false when the campaign already existed (start) or was already in that state. */
    public record Done(Campaign campaign, boolean created) implements Change {
    }

    /** The input is wrong; the message names the field and the fix. */
    public record Invalid(String message) implements Change {
    }

    public record Unknown(String message) implements Change {
    }

    /** The campaign's state does not allow it (a stopped campaign stays stopped). */
    public record Conflict(String message) implements Change {
    }

    void onStart(@Observes StartupEvent event) {
        LooplabConfig.Campaign c = config.campaign();
        Change opened = start(new CampaignSpec(c.id(), c.task(), c.team(),
                c.maxTrials().isPresent() ? c.maxTrials().getAsInt() : null,
                c.maxHours().isPresent() ? c.maxHours().getAsDouble() : null,
                c.stopAfterNoKeep().isPresent() ? c.stopAfterNoKeep().getAsInt() : null));
        if (opened instanceof Invalid invalid) {
            throw new IllegalStateException(invalid.message());
        }
        runs.resumeQueuedTrials();
    }

    /** Creates the campaign (and the task's root trial when the task is new); a no-op when it exists. */
    public Campaign openCampaign(String campaignId, String task) {
        Change change = start(new CampaignSpec(campaignId, task, null, null, null, null));
        if (change instanceof Done done) {
            return done.campaign();
        }
        throw new IllegalStateException(message(change));
    }

    /**
     * Starts a campaign: creates it with its team and stop rules, or returns the existing one of that id when it runs
     * the same task (its team and rules unchanged). New root and noise-floor runs are queued by the caller's
     * {@link RunScheduler#resumeQueuedTrials} (the startup path) or here (a campaign started by REST).
     */
    public Change start(CampaignSpec spec) {
        if (spec == null || spec.task() == null || spec.task().isBlank()) {
            return new Invalid("task is empty: name the task to search, for example golf-mini");
        }
        TaskDefinition definition;
        try {
            definition = tasks.find(spec.task().strip());
        } catch (UnknownTaskException e) {
            return new Invalid(e.getMessage());
        }
        String id = spec.campaign() == null || spec.campaign().isBlank()
                ? definition.name() + "-" + STAMP.format(Instant.now()) : spec.campaign().strip();
        if (!ID.matcher(id).matches() || id.contains("..") || id.endsWith(".lock")) {
            return new Invalid("campaign id '" + id + "' is not valid: use 1-100 of [A-Za-z0-9._-], starting with a"
                    + " letter or digit (it names a git branch)");
        }
        Team team;
        try {
            team = Team.of(spec.team());
        } catch (IllegalArgumentException e) {
            return new Invalid(e.getMessage());
        }
        if (spec.maxTrials() != null && spec.maxTrials() < 1) {
            return new Invalid("maxTrials " + spec.maxTrials() + " must be at least 1, or absent for no limit");
        }
        if (spec.maxHours() != null && !(spec.maxHours() > 0)) {
            return new Invalid("maxHours " + spec.maxHours() + " must be above 0, or absent for no limit");
        }
        if (spec.stopAfterNoKeep() != null && spec.stopAfterNoKeep() < 1) {
            return new Invalid("stopAfterNoKeep " + spec.stopAfterNoKeep() + " must be at least 1, or absent");
        }
        Change change = QuarkusTransaction.requiringNew().call(() -> {
            Campaign existing = campaigns.findById(id);
            if (existing != null) {
                if (!existing.task.equals(definition.name())) {
                    return new Conflict("campaign '" + id + "' already runs task '" + existing.task + "', not '"
                            + definition.name() + "': choose another campaign id (LOOPLAB_CAMPAIGN)");
                }
                return new Done(existing, false);
            }
            return new Done(create(id, definition, team, spec), true);
        });
        if (change instanceof Done done && done.created()) {
            LOG.infof("opened campaign %s on task %s (root trial %s, team %s, limits: trials %s, hours %s, no keep %s)",
                    id, definition.name(), done.campaign().rootTrialId, team, spec.maxTrials(), spec.maxHours(),
                    spec.stopAfterNoKeep());
        }
        return change;
    }

    /** Starts a campaign asked for by a researcher and queues its new runs at once. */
    public Change startAndSchedule(CampaignSpec spec) {
        Change change = start(spec);
        if (change instanceof Done done && done.created()) {
            runs.resumeQueuedTrials();
        }
        return change;
    }

    public Change pause(String id) {
        return transition(id, campaign -> switch (campaign.state) {
            case running -> {
                campaign.pause(Instant.now());
                yield new Done(campaign, true);
            }
            case paused -> new Done(campaign, false);
            case stopped -> new Conflict(stoppedMessage(campaign, "paused"));
        });
    }

    public Change resume(String id) {
        return transition(id, campaign -> switch (campaign.state) {
            case paused -> {
                campaign.resume(Instant.now());
                yield new Done(campaign, true);
            }
            case running -> new Done(campaign, false);
            case stopped -> new Conflict(stoppedMessage(campaign, "resumed"));
        });
    }

    /** Stops for good; trials in flight finish and are recorded. */
    public Change stop(String id, String reason) {
        return transition(id, campaign -> {
            if (campaign.state == CampaignState.stopped) {
                return new Done(campaign, false);
            }
            campaign.stop(Instant.now(), reason == null || reason.isBlank() ? "stopped by a researcher" : reason);
            return new Done(campaign, true);
        });
    }

    /** The sentence of a change that did not happen. */
    public static String message(Change change) {
        if (change instanceof Invalid i) {
            return i.message();
        }
        if (change instanceof Unknown u) {
            return u.message();
        }
        if (change instanceof Conflict c) {
            return c.message();
        }
        Done d = (Done) change;
        return "campaign " + d.campaign().id + " is " + d.campaign().state;
    }

    private Change transition(String id, java.util.function.Function<Campaign, Change> change) {
        Change result = QuarkusTransaction.requiringNew().call(() -> {
            Campaign campaign = campaigns.findForUpdate(id).orElse(null);
            if (campaign == null) {
                return new Unknown("unknown campaign '" + id + "': list them with GET /api/campaigns");
            }
            return change.apply(campaign);
        });
        if (result instanceof Done done && done.created()) {
            LOG.infof("campaign %s is now %s%s", id, done.campaign().state,
                    done.campaign().state == CampaignState.stopped ? " (" + done.campaign().stopReason + ")" : "");
        }
        return result;
    }

    private static String stoppedMessage(Campaign campaign, String verb) {
        return "campaign '" + campaign.id + "' is stopped (" + campaign.stopReason + ") and cannot be " + verb
                + "; start a new one with looplab campaign start " + campaign.task;
    }

    private Campaign create(String id, TaskDefinition definition, Team team, CampaignSpec spec) {
        String task = definition.name();
        Trial root = trials.findRoot(task).orElse(null);
        Campaign campaign = new Campaign();
        campaign.id = id;
        campaign.task = task;
        campaign.team = team.name();
        campaign.maxTrials = spec.maxTrials();
        campaign.maxHours = spec.maxHours();
        campaign.stopAfterNoKeep = spec.stopAfterNoKeep();
        campaign.rootTrialId = root != null ? root.id : trials.nextTrialId();
        if (root != null && root.score != null) {
            campaign.bestTrialId = root.id;
            campaign.bestScore = root.score;
            lineage.store(task).moveBest(id, root.id);
        }
        // the campaign row goes first: the root trial refers to it
        campaigns.persist(campaign);
        campaigns.flush();
        Trial baseline = root != null ? root : createRoot(campaign.rootTrialId, id, definition);
        noiseRuns.create(campaign, baseline, config.campaign().noiseRuns(), null);
        return campaign;
    }

    private Trial createRoot(String rootId, String campaignId, TaskDefinition definition) {
        String task = definition.name();
        LineageStore store = lineage.store(task);
        TrialCommit commit = store.initRoot(rootId, tasks.recipeDir(task), "Baseline recipe of " + task);
        Trial root = new Trial();
        root.id = commit.trialId();
        root.campaignId = campaignId;
        root.task = task;
        root.specialist = "baseline";
        root.surface = "all";
        root.hypothesis = "Baseline recipe of " + task;
        root.commitId = commit.commitId();
        root.kind = Trial.KIND_ROOT;
        root.status = TrialStatus.queued;
        trials.persist(root);
        return root;
    }

}
