package dev.looplab.proposer.messaging;

import dev.looplab.events.OutcomeRecorded;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that fails on every outcome of campaign {@value #CAMPAIGN}: the consumer must retry, then dead-letter. */
@ApplicationScoped
public class ExplodingListener implements OutcomeListener {
    public static final String CAMPAIGN = "explode";
    private final AtomicInteger calls = new AtomicInteger();

    /** How many outcomes of {@value #CAMPAIGN} it was given (a method: the injected bean is a proxy). */
    public int calls() {
        return calls.get();
    }

    @Override
    public void onOutcome(OutcomeRecorded outcome) {
        if (CAMPAIGN.equals(outcome.campaign())) {
            calls.incrementAndGet();
            throw new IllegalStateException("listener failed on purpose");
        }
    }
}
