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
        // one pass over the campaign's rows instead of seven counts: the campaign view is read on every proposer
        // tick and by the browser, and at 100,000 trials each count was a scan of its own
        var em = trials.getEntityManager();
        em.flush(); // counts see this transaction's own changes, as the JPQL counts did
        Object[] row = (Object[]) em.createNativeQuery("select"
                        + " count(*) filter (where kind = ?2 and commit_id is not null),"
                        + " count(*) filter (where recorded_at is null),"
                        + " count(*) filter (where recorded_at is not null),"
                        + " count(*) filter (where kind = ?2 and status = 'keep'),"
                        + " count(*) filter (where kind = ?2 and recorded_at is not null"
                        + "   and status not in ('keep', 'discard', 'preflight_reject')),"
                        + " count(*) filter (where kind = ?2 and status = 'preflight_reject'),"
                        // trained trials recorded after the campaign's last keep (preflight rejects cost no compute)
                        + " count(*) filter (where kind = ?2 and recorded_at is not null and status <> 'preflight_reject'"
                        + "   and created_at > coalesce((select max(k.created_at) from trial k where k.campaign_id = ?1"
                        + "   and k.kind = ?2 and k.status = 'keep'), 'epoch'))"
                        + " from trial where campaign_id = ?1")
                .setParameter(1, c.id).setParameter(2, Trial.KIND_PROPOSAL).getSingleResult();
        return new Counts(number(row[0]), number(row[1]), number(row[2]), number(row[3]), number(row[4]),
                number(row[5]), number(row[6]));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static String stripZeros(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
