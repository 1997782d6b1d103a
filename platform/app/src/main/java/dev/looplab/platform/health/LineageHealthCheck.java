package dev.looplab.platform.health;

import dev.looplab.platform.config.LooplabConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ready only while the lineage folder takes writes and has room: a proposal that cannot be committed is retried,
 * so a full or read-only disk shows here rather than as a silent stall.
 */
@Readiness
@ApplicationScoped
public class LineageHealthCheck implements HealthCheck {
    /** Below this much free space a trial commit (or the saved index) may not fit. */
    static final long MIN_FREE_BYTES = 64L * 1024 * 1024;

    @Inject
    LooplabConfig config;

    @Override
    public HealthCheckResponse call() {
        Path folder = config.home().resolve("lineage");
        var response = HealthCheckResponse.named("lineage repositories").withData("folder", folder.toString());
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".health", ".tmp");
            Files.delete(probe);
            long free = Files.getFileStore(folder).getUsableSpace();
            response.withData("free_bytes", free);
            if (free < MIN_FREE_BYTES) {
                return response.down().withData("problem", "only " + free / (1024 * 1024) + " MB free under "
                        + folder + ": free disk space, proposals wait until then").build();
            }
            return response.up().build();
        } catch (IOException | RuntimeException e) {
            return response.down().withData("problem", folder + " does not take writes (" + e.getMessage()
                    + "): fix its permissions or the disk").build();
        }
    }
}
