package dev.looplab.platform.support;

import dev.looplab.trial.TrialStatus;

import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.util.UUID;

/** Trials written straight to Postgres, for tests of what the platform serves about a trial. */
public final class TestTrials {
    private TestTrials() {
    }

    /** A running trial of the test campaign, without a commit. */
    public static String running(TrialRepository trials, String campaign) {
        String id = "t-" + UUID.randomUUID();
        Trial trial = new Trial();
        trial.id = id;
        trial.campaignId = campaign;
        trial.task = "golf-mini";
        trial.specialist = "test";
        trial.surface = "optimizer";
        trial.hypothesis = "a trial the test writes directly";
        trial.status = TrialStatus.running;
        trial.attempt = 1;
        QuarkusTransaction.requiringNew().run(() -> trials.persist(trial));
        return id;
    }
}
