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

    /** The artifact store, where download links will point. */
    S3 s3();

    /** The S3 server holding trial artifacts (the MinIO SDK talks to it). */
    interface S3 {
        Optional<String> endpoint();

        Optional<String> accessKey();

        Optional<String> secretKey();

        @io.smallrye.config.WithDefault("looplab-artifacts")
        String bucket();

        @io.smallrye.config.WithDefault("us-east-1")
        String region();

        /** How long a presigned download link stays valid (S3 allows up to 7 days). */
        @io.smallrye.config.WithDefault("900")
        int downloadUrlExpirySeconds();
    }

    /** The campaign the platform opens at start. */
    interface Campaign {
        String id();

        String task();

        /** Overrides the task's training budget when above zero (short budgets for CI). */
        int trainBudgetSeconds();

        long seed();

        /**
         * How many extra runs of the baseline, each with its own seed, measure the task's noise floor
         * (the keep rule needs a gain above twice their standard deviation); 0 turns the rule off.
         */
        @io.smallrye.config.WithDefault("2")
        int noiseRuns();

        /**
         * How many times a would-be new best is run again with other seeds before it is kept: it becomes the best
         * only when the mean of its runs beats the best's mean by max(threshold, 2 sigma); 0 keeps on one run.
         */
        @io.smallrye.config.WithDefault("1")
        int confirmRuns();

        /** The team that proposes its trials (specialists, generalist, random, llm). */
        @io.smallrye.config.WithDefault("specialists")
        String team();

        /** Stop rules of the configured campaign: accepted trials, running hours, trials in a row without a keep. */
        java.util.OptionalInt maxTrials();

        java.util.OptionalDouble maxHours();

        java.util.OptionalInt stopAfterNoKeep();
    }
}
