package dev.looplab.proposer.health;

import dev.looplab.proposer.messaging.OutcomeConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the outcome consumer's thread runs and polls. */
@Liveness
@ApplicationScoped
public class OutcomeConsumerLiveness implements HealthCheck {

    @Inject
    OutcomeConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("outcome-consumer").status(consumer.alive()).build();
    }
}
