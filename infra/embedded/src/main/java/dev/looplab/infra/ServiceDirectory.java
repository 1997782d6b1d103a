package dev.looplab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** The directory a service keeps its data in: a given one that survives, or a temp one deleted on stop. */
record ServiceDirectory(Path path, boolean temporary) {

    static ServiceDirectory of(Path given, String tempPrefix) {
        try {
            if (given == null) {
                return new ServiceDirectory(Files.createTempDirectory(tempPrefix), true);
            }
            Files.createDirectories(given);
            return new ServiceDirectory(given.toAbsolutePath(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + (given == null ? "(temp)" : given)
                    + ": check permissions and free space", e);
        }
    }

    /** Deletes the directory when it is temporary; a kept one is left as is. */
    void deleteIfTemporary() {
        if (temporary) {
            deleteRecursively(path);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a leftover temp dir is harmless; failing a stop over it is not
        }
    }
}
