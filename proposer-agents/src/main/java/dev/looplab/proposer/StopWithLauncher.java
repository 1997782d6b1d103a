package dev.looplab.proposer;

import dev.looplab.runtime.ParentWatch;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Under {@code looplab up} (or a test) the launcher names its pid in LOOPLAB_LAUNCHER_PID: the proposer stops when that
 * process is gone, however it ended, instead of living on as an orphan that holds its port. Without the property
 * (a deployment) nothing is watched.
 */
@ApplicationScoped
class StopWithLauncher {
    void onStart(@Observes StartupEvent event) {
        ParentWatch.exitWhenLauncherDies("the proposer");
    }
}
