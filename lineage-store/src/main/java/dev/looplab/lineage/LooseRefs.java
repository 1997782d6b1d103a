package dev.looplab.lineage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Creates a loose ref the way git does, in about ten system calls: {@code <ref>.lock} created exclusively, the
 * ref checked absent (loose and packed) while the lock is held, the id written, the lock renamed over the ref.
 * JGit's RefUpdate follows the same protocol with about forty calls (five ref name prefixes searched, config
 * files re-checked, a name clash scan), three times the CPU of this on a 100,000-trial lineage; git, JGit and
 * this class exclude each other through the same lock file.
 */
final class LooseRefs {

    private static final int DIRECTORY_ATTEMPTS = 5;

    private LooseRefs() {
    }

    /**
     * Creates {@code name} at {@code id}; false, with nothing changed, when the ref exists or another writer
     * holds its lock (the caller then reads it, or retries through JGit).
     */
    static boolean create(Repository repo, Path gitDir, String name, ObjectId id) throws IOException {
        Path ref = gitDir.resolve(name);
        Path lock = gitDir.resolve(name + ".lock");
        OutputStream out = null;
        for (int attempt = 1; out == null; attempt++) {
            try {
                out = Files.newOutputStream(lock, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (NoSuchFileException e) {
                // No loose ref in this folder yet, or packing removed the emptied folder meanwhile.
                if (attempt >= DIRECTORY_ATTEMPTS) {
                    throw e;
                }
                Files.createDirectories(lock.getParent());
            }
        }
        boolean created = false;
        try {
            try (OutputStream locked = out) {
                if (repo.exactRef(name) != null) {
                    return false;
                }
                locked.write((id.name() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            Files.move(lock, ref, StandardCopyOption.ATOMIC_MOVE);
            created = true;
            return true;
        } finally {
            if (!created) {
                Files.deleteIfExists(lock);
            }
        }
    }

    /** The names of the loose refs in {@code folder} (none when it does not exist), lock files left out. */
    static List<String> names(Path folder) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.endsWith(".lock")) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return names;
        }
        return names;
    }
}
