package dev.looplab.proposer.campaign;

import dev.looplab.events.OutcomeRecorded;
import dev.looplab.proposer.ProposerConfig;
import dev.looplab.proposer.llm.LlmChat;
import dev.looplab.proposer.llm.LlmSettings;
import dev.looplab.proposer.llm.TokenLedger;
import dev.looplab.proposer.messaging.OutcomeListener;
import dev.looplab.proposer.messaging.ProposalPublisher;
import dev.looplab.proposer.platform.CampaignView;
import dev.looplab.proposer.platform.PlatformClient;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Drives every running campaign the platform lists (or those named by {@code looplab.proposer.campaigns}), one
 * {@link CampaignDriver} each; a campaign started, paused, resumed or stopped through the platform is picked up at
 * the next tick. Outcomes from {@code looplab.outcomes} go to their campaign's driver.
 */
@ApplicationScoped
public class CampaignSupervisor implements OutcomeListener {
    private static final Logger LOG = Logger.getLogger(CampaignSupervisor.class);

    @Inject
    ProposerConfig config;
    @Inject
    PlatformClient platform;
    @Inject
    ProposalPublisher publisher;
    @Inject
    ProposerMetrics metrics;
    @Inject
    Optional<LlmChat> llm;
    @Inject
    LlmSettings llmSettings;
    @Inject
    TokenLedger ledger;

    private final Map<String, CampaignDriver> drivers = new ConcurrentHashMap<>();
    private TeamFactory teams;
    private SplittableRandom seeds;
    private boolean platformDown;

    @PostConstruct
    void init() {
        teams = new TeamFactory(llm, llmSettings, ledger, metrics);
        seeds = config.proposer().seed().isPresent() ? new SplittableRandom(config.proposer().seed().getAsLong())
                : new SplittableRandom();
        LOG.infof("proposer: platform %s, %s, llm %s", config.platform().url(),
                config.proposer().parallelism() > 0 ? "parallelism " + config.proposer().parallelism()
                        : "slots from the platform's fair share", llm.map(LlmChat::model).orElse("off"));
    }

    // skipped until startup completes
    @Scheduled(every = "${looplab.proposer.tick:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        tickAll();
    }

    /** One tick of every campaign to drive; synchronized so a test's call never races the scheduler. */
    public synchronized Map<String, TickResult> tickAll() {
        List<CampaignView> campaigns;
        try {
            campaigns = platform.campaigns();
            if (platformDown) {
                LOG.infof("the platform at %s answers again", platform.baseUrl());
            }
            platformDown = false;
        } catch (RuntimeException e) {
            if (!platformDown) {
                LOG.warnf("cannot list campaigns: %s", e.getMessage());
            }
            platformDown = true;
            return Map.of();
        }
        Map<String, TickResult> results = new LinkedHashMap<>();
        for (CampaignView c : campaigns) {
            if (!wanted(c.campaign()) || (!c.isRunning() && !drivers.containsKey(c.campaign()))) {
                continue;
            }
            results.put(c.campaign(), driver(c.campaign()).tick());
        }
        return results;
    }

    /** The driver of {@code campaign}, made on first use (its pending proposals loaded from disk). */
    public CampaignDriver driver(String campaign) {
        return drivers.computeIfAbsent(campaign, id -> new CampaignDriver(id, platform, publisher, metrics, teams,
                new CampaignDriver.Settings(config.proposer().parallelism(), config.proposer().resendAfter(),
                        config.proposer().maxPerTick(), config.proposer().knowledgeEvery(),
                        config.proposer().metaFloor()),
                new PendingProposals(config.home().resolve("proposer").resolve(id + ".pending.jsonl")),
                seeds.split()));
    }

    /** The proposals of {@code campaign} sent and not yet processed by the platform. */
    public List<PendingProposals.Pending> pending(String campaign) {
        return driver(campaign).pending();
    }

    @Override
    public void onOutcome(OutcomeRecorded outcome) {
        if (wanted(outcome.campaign())) {
            driver(outcome.campaign()).outcomeArrived(outcome);
        }
    }

    private boolean wanted(String campaign) {
        return config.proposer().campaigns().map(list -> list.contains(campaign)).orElse(true);
    }
}
