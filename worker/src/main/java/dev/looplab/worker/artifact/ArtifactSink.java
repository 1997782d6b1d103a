package dev.looplab.worker.artifact;

import dev.looplab.events.ArtifactRef;

import java.nio.file.Path;

/**
 * Where a trial's files go once it ran, content-addressed under {@code sha256/<hex>}: an S3 bucket
 * ({@link ArtifactStore}) for a worker, a local folder ({@link LocalArtifacts}) for a replay from a clone.
 */
public interface ArtifactSink {

    /** Stores {@code file} as the trial's artifact {@code name} unless the same content is there; returns its reference. */
    ArtifactRef put(String name, Path file);
}
