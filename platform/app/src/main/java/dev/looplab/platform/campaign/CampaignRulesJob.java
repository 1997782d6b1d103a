package dev.looplab.platform.campaign;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Applies the stop rules to running campaigns nobody proposes to, so a spent wall budget shows as stopped. */
@ApplicationScoped
public class CampaignRulesJob {

    @Inject
    CampaignRepository campaigns;
    @Inject
    CampaignRules rules;

    @Scheduled(every = "${looplab.campaign.rules-interval:10s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void applyStopRules() {
        for (String id : QuarkusTransaction.requiringNew().call(() -> campaigns.list("state", CampaignState.running)
                .stream().map(c -> c.id).toList())) {
            QuarkusTransaction.requiringNew().run(() -> campaigns.findForUpdate(id).ifPresent(rules::closedReason));
        }
    }
}
