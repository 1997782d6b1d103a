package dev.looplab.platform.config;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/** The platform's own settings; every service endpoint is plain Quarkus config beside these. */
@ConfigMapping(prefix = "looplab")
public interface LooplabConfig {

    /** Where lineage repositories live ({@code <home>/lineage/<task>.git}). */
    Path home();

    /** The folder holding {@code <task>/task.yaml} and each task's baseline recipe. */
    Path recipesDir();

    /** URL workers fetch lineage from; empty means the local repository path. */
    Optional<String> lineageUrl();

    Campaign campaign();

    /** The campaign the platform opens at start. */
    interface Campaign {
        String id();

        String task();

        /** Overrides the task's training budget when above zero (short budgets for CI). */
        int trainBudgetSeconds();

        long seed();
    }
}
