package dev.looplab.platform.campaign;

import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import dev.looplab.trial.TrialStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The stop rules of a campaign (trial budget, running hours, trials in a row without a keep) and whether it takes
 * proposals now. The platform applies them where it is reliable: on every proposal, and every few seconds for
 * campaigns nobody proposes to.
 */
@ApplicationScoped
public class CampaignRules {
    private static final Logger LOG = Logger.getLogger(CampaignRules.class);

    @Inject
    TrialRepository trials;

    /** What a campaign's trials came to so far. */
    public record Counts(long trials, long inFlight, long recorded, long keeps, long failures, long preflightRejects,
                         long sinceLastKeep) {
    }

    /**
     * Applies the stop rules to {@code campaign} (a row the caller holds in its transaction; a rule that fires
     * stops it) and says why proposals are refused, or empty while it takes them.
     */
    public Optional<String> closedReason(Campaign campaign) {
        Instant now = Instant.now();
        if (campaign.isRunning()) {
            limitReached(campaign, counts(campaign), now).ifPresent(reason -> {
                campaign.stop(now, reason);
                LOG.infof("campaign %s stopped: %s", campaign.id, reason);
            });
        }
        return switch (campaign.state) {
            case running -> Optional.empty();
            case paused -> Optional.of("campaign '" + campaign.id + "' is paused: resume it (looplab campaign resume "
                    + campaign.id + ", or POST /api/campaigns/" + campaign.id + "/resume) before proposing to it");
            case stopped -> Optional.of("campaign '" + campaign.id + "' is stopped (" + campaign.stopReason
                    + "): it takes no more proposals; start a new one with looplab campaign start " + campaign.task);
        };
    }

    /** The rule that ends the campaign now, if one does. */
    Optional<String> limitReached(Campaign c, Counts counts, Instant now) {
        if (c.maxTrials != null && counts.trials() >= c.maxTrials) {
            return Optional.of("trial budget reached: " + counts.trials() + " of " + c.maxTrials + " trials accepted");
        }
        if (c.maxHours != null && c.hoursRunning(now) >= c.maxHours) {
            return Optional.of(String.format(Locale.ROOT, "wall budget reached: %.2f of %s hours running",
                    c.hoursRunning(now), stripZeros(c.maxHours)));
        }
        if (c.stopAfterNoKeep != null && counts.sinceLastKeep() >= c.stopAfterNoKeep) {
            return Optional.of("no keep in the last " + counts.sinceLastKeep() + " trained trials (stop after "
                    + c.stopAfterNoKeep + " without a keep)");
        }
        return Optional.empty();
    }

    /** Counts of the campaign's proposal trials; call inside a transaction. */
    public Counts counts(Campaign c) {
        long accepted = trials.count("campaignId = ?1 and kind = ?2 and commitId is not null", c.id, Trial.KIND_PROPOSAL);
        long inFlight = trials.countInFlight(c.id);
        long recorded = trials.countRecorded(c.id);
        long keeps = trials.count("campaignId = ?1 and kind = ?2 and status = ?3", c.id, Trial.KIND_PROPOSAL,
                TrialStatus.keep);
        long preflight = trials.count("campaignId = ?1 and kind = ?2 and status = ?3", c.id, Trial.KIND_PROPOSAL,
                TrialStatus.preflight_reject);
        long failures = trials.count("campaignId = ?1 and kind = ?2 and recordedAt is not null and status not in ?3",
                c.id, Trial.KIND_PROPOSAL, java.util.List.of(TrialStatus.keep, TrialStatus.discard,
                        TrialStatus.preflight_reject));
        // trained trials recorded after the campaign's last keep (preflight rejects cost no compute)
        Instant lastKeep = trials.find("campaignId = ?1 and kind = ?2 and status = ?3 order by createdAt desc",
                c.id, Trial.KIND_PROPOSAL, TrialStatus.keep).firstResultOptional().map(t -> t.createdAt)
                .orElse(Instant.EPOCH);
        long sinceLastKeep = trials.count("campaignId = ?1 and kind = ?2 and recordedAt is not null and status <> ?3"
                + " and createdAt > ?4", c.id, Trial.KIND_PROPOSAL, TrialStatus.preflight_reject, lastKeep);
        return new Counts(accepted, inFlight, recorded, keeps, failures, preflight, sinceLastKeep);
    }

    private static String stripZeros(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
