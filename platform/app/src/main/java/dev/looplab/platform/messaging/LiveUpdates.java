package dev.looplab.platform.messaging;

import dev.looplab.trial.TrialStatus;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/** Fans trial changes out to every open browser (server-sent events). */
@ApplicationScoped
public class LiveUpdates {

    /** One change a browser should redraw: which trial and its new status. */
    public record TrialChange(String trialId, TrialStatus status, long atMs) {
    }

    private final BroadcastProcessor<TrialChange> changes = BroadcastProcessor.create();

    public void trialChanged(String trialId, TrialStatus status) {
        changes.onNext(new TrialChange(trialId, status, System.currentTimeMillis()));
    }

    public Multi<TrialChange> stream() {
        return changes;
    }
}
