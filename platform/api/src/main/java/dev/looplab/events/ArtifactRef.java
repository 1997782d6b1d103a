package dev.looplab.events;

/** One file a trial produced, stored content-addressed in the artifact bucket under {@code key}. */
public record ArtifactRef(String name, String key, long sizeBytes, String sha256) {
}
