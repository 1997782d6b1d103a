package dev.looplab.worker.health;

import dev.looplab.worker.WorkerLifecycle;
import dev.looplab.worker.run.RunConsumer;
import dev.looplab.worker.sandbox.SandboxUnavailableException;
import dev.looplab.worker.sandbox.TrialSandbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The worker's health: live while its run consumer loop runs and polls; ready while it also reaches the
 * artifact store and can confine trials.
 */
@ApplicationScoped
public class WorkerHealthChecks {
    /** A consumer that has not polled for this long (and runs no trial) is stuck. */
    static final long MAX_POLL_GAP_MS = 60_000;

    @Inject
    WorkerLifecycle worker;
    @Inject
    TrialSandbox sandbox;

    @Produces
    @Liveness
    HealthCheck runConsumer() {
        return () -> {
            RunConsumer consumer = worker.consumer();
            var response = HealthCheckResponse.named("run consumer");
            if (consumer == null || !consumer.isAlive()) {
                return response.down().withData("problem", "the run consumer is not running").build();
            }
            long gap = System.currentTimeMillis() - consumer.lastPollMs();
            response.withData("assigned_partitions", consumer.assignedPartitions())
                    .withData("busy", consumer.isBusy());
            if (!consumer.isBusy() && consumer.lastPollMs() > 0 && gap > MAX_POLL_GAP_MS) {
                return response.down().withData("problem", "no poll for " + gap / 1000 + " s").build();
            }
            return response.up().build();
        };
    }

    @Produces
    @Readiness
    HealthCheck artifactStore() {
        return () -> {
            var store = worker.artifacts();
            if (store == null) {
                return HealthCheckResponse.named("artifact store").down().withData("problem", "not started").build();
            }
            return store.bucketProblem().map(p -> HealthCheckResponse.named("artifact store").down()
                    .withData("problem", p).build()).orElseGet(() -> HealthCheckResponse.up("artifact store"));
        };
    }

    @Produces
    @Readiness
    HealthCheck trialSandbox() {
        return () -> {
            try {
                sandbox.ensureUsable();
                return HealthCheckResponse.named("trial sandbox").up().withData("sandbox", sandbox.description())
                        .build();
            } catch (SandboxUnavailableException e) {
                return HealthCheckResponse.named("trial sandbox").down().withData("problem", e.getMessage()).build();
            }
        };
    }
}
