package dev.looplab.proposer.health;

import dev.looplab.proposer.messaging.OutcomeConsumer;
import dev.looplab.proposer.platform.PlatformClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the outcome consumer holds its partitions and the platform answers. */
@Readiness
@ApplicationScoped
public class ProposerReadiness implements HealthCheck {

    @Inject
    OutcomeConsumer consumer;
    @Inject
    PlatformClient platform;

    @Override
    public HealthCheckResponse call() {
        boolean assigned = consumer.alive() && consumer.assignedPartitions() > 0;
        boolean reachable = platform.reachable();
        return HealthCheckResponse.named("proposer").status(assigned && reachable)
                .withData("outcomePartitions", consumer.assignedPartitions())
                .withData("platform", platform.baseUrl() + (reachable ? " answers" : " is unreachable"))
                .build();
    }
}
