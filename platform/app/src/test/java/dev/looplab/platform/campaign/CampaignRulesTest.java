package dev.looplab.platform.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stop rules and the fair share of workers, as plain functions of a campaign's row and counts. */
class CampaignRulesTest {
    final CampaignRules rules = new CampaignRules();
    final Instant start = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void eachStopRuleFiresAtItsLimitAndSaysWhich() {
        Campaign c = campaign("c1");
        c.maxTrials = 10;
        c.maxHours = 2.0;
        c.stopAfterNoKeep = 5;

        assertThat(rules.limitReached(c, counts(9, 4), start.plus(Duration.ofMinutes(119)))).isEmpty();
        assertThat(rules.limitReached(c, counts(10, 0), start)).hasValue("trial budget reached: 10 of 10 trials accepted");
        assertThat(rules.limitReached(c, counts(3, 5), start))
                .hasValue("no keep in the last 5 trained trials (stop after 5 without a keep)");
        assertThat(rules.limitReached(c, counts(3, 0), start.plus(Duration.ofHours(2))))
                .hasValue("wall budget reached: 2.00 of 2 hours running");
    }

    @Test
    void aPauseDoesNotSpendTheWallBudget() {
        Campaign c = campaign("c1");
        c.maxHours = 1.0;
        c.pause(start.plus(Duration.ofMinutes(40)));
        c.resume(start.plus(Duration.ofHours(5)));

        assertThat(c.hoursRunning(start.plus(Duration.ofHours(5).plusMinutes(10)))).isCloseTo(50 / 60.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rules.limitReached(c, counts(0, 0), start.plus(Duration.ofHours(5).plusMinutes(10)))).isEmpty();
        assertThat(rules.limitReached(c, counts(0, 0), start.plus(Duration.ofHours(5).plusMinutes(20)))).isPresent();
    }

    @Test
    void runningCampaignsShareTheLiveWorkersFairly() {
        Campaign a = campaign("a");
        Campaign b = campaign("b");
        Campaign c = campaign("c");
        Campaign paused = campaign("p");
        paused.pause(start);
        List<Campaign> running = List.of(a, b, c);

        // 7 workers over 3 campaigns: 3, 2, 2; every running campaign has at least one slot, a paused one none
        assertThat(List.of(CampaignViews.slots(a, running, 7), CampaignViews.slots(b, running, 7),
                CampaignViews.slots(c, running, 7))).containsExactly(3, 2, 2);
        assertThat(CampaignViews.slots(c, running, 1)).isEqualTo(1);
        assertThat(CampaignViews.slots(a, running, 0)).isEqualTo(1);
        assertThat(CampaignViews.slots(paused, running, 7)).isZero();
    }

    private Campaign campaign(String id) {
        Campaign c = new Campaign();
        c.id = id;
        c.task = "golf-mini";
        c.createdAt = start;
        c.activeSince = start;
        return c;
    }

    private static CampaignRules.Counts counts(long trials, long sinceLastKeep) {
        return new CampaignRules.Counts(trials, 0, trials, 0, 0, 0, sinceLastKeep);
    }
}
