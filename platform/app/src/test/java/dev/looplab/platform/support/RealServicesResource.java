package dev.looplab.platform.support;

import dev.looplab.infra.LooplabServices;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts real Kafka, PostgreSQL and S3 for the platform's tests and points the platform at them. */
public class RealServicesResource implements QuarkusTestResourceLifecycleManager {
    private LooplabServices services;

    @Override
    public Map<String, String> start() {
        services = LooplabServices.forTests();
        try {
            Path home = Files.createTempDirectory("looplab-platform-test");
            Map<String, String> config = new HashMap<>(services.endpoints().asQuarkusConfig());
            config.put("looplab.home", home.toString());
            // imports by path read only under this root; ImportTest writes its sources there
            config.put("looplab.imports.root", Files.createDirectories(home.resolve("imports")).toString());
            config.put("looplab.recipes-dir", Path.of("../../recipes").toAbsolutePath().normalize().toString());
            config.put("looplab.campaign.id", "platform-test");
            config.put("looplab.campaign.task", "golf-mini");
            // the single-run keep rule; ConfirmBeforeKeepTest runs with confirmation runs on
            config.put("looplab.campaign.confirm-runs", "0");
            // the tests play the workers by reading looplab.runs in groups of their own, so no worker is in
            // looplab-workers for fair dispatch to hand runs to: publish at once
            config.put("looplab.runs.dispatch", "direct");
            return config;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (services != null) {
            services.close();
        }
    }
}
