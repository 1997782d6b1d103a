package dev.looplab.platform.outcome;

import dev.looplab.events.Json;
import dev.looplab.events.TrialEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes {@code looplab.trial-events} from workers. */
@ApplicationScoped
public class TrialEventIntake {
    private static final Logger LOG = Logger.getLogger(TrialEventIntake.class);

    @Inject
    OutcomeService outcomes;

    @Incoming("trial-events")
    @Blocking(ordered = true)
    public void onTrialEvent(String payload) {
        TrialEvent event;
        try {
            event = Json.read(payload, TrialEvent.class);
        } catch (Json.MalformedEventException e) {
            LOG.warnf("skipping a trial event that is not valid JSON (%s): %.200s", e.getMessage(), payload);
            return;
        }
        outcomes.apply(event);
    }
}
