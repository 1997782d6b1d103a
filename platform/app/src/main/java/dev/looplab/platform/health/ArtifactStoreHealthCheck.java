package dev.looplab.platform.health;

import dev.looplab.platform.artifact.ArtifactLinks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the artifact bucket answers: the browser's download links and the workers' uploads need it. */
@Readiness
@ApplicationScoped
public class ArtifactStoreHealthCheck implements HealthCheck {

    @Inject
    ArtifactLinks links;

    @Override
    public HealthCheckResponse call() {
        return links.bucketProblem()
                .map(problem -> HealthCheckResponse.named("artifact store").down().withData("problem", problem)
                        .build())
                .orElseGet(() -> HealthCheckResponse.up("artifact store"));
    }
}
