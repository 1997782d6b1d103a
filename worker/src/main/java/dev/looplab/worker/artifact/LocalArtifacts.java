package dev.looplab.worker.artifact;

import dev.looplab.events.ArtifactRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Artifacts in a folder on this machine, under the same {@code sha256/<hex>} keys a bucket would hold. */
public final class LocalArtifacts implements ArtifactSink {
    private final Path folder;

    public LocalArtifacts(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    @Override
    public ArtifactRef put(String name, Path file) {
        try {
            String sha = Sha256.of(file);
            String key = ArtifactStore.keyOf(sha);
            Path target = folder.resolve(key);
            long size = Files.size(file);
            if (!Files.isRegularFile(target) || Files.size(target) != size) {
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return new ArtifactRef(name, key, size, sha);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store artifact '" + name + "' in " + folder + ": " + e.getMessage(), e);
        }
    }
}
