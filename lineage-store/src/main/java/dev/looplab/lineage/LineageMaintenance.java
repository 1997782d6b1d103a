package dev.looplab.lineage;

import java.io.IOException;
import java.text.ParseException;
import java.util.concurrent.ExecutionException;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;

/**
 * Packs a lineage's loose objects (three or more per recorded trial) and its refs into one delta-compressed pack.
 * Serving a clone from loose objects means reading, inflating and deflating every object again; from a pack the
 * objects are copied as stored. Safe while other writers record: it is JGit's garbage collector with its default
 * grace periods, so objects and packs younger than those are never removed, and refs are only packed, never moved.
 */
final class LineageMaintenance {

    private LineageMaintenance() {
    }

    static MaintenanceResult run(Repository repo) throws IOException {
        if (!(repo instanceof FileRepository files)) {
            throw new IllegalStateException("lineage maintenance needs a repository on disk, not " + repo);
        }
        long start = System.nanoTime();
        GC gc = new GC(files);
        GC.RepoStatistics before = gc.getStatistics();
        PackConfig pack = new PackConfig(files);
        // Measured on a 10,000-trial lineage: JGit takes minutes to build bitmaps for thousands of trial tips, and
        // counting a clone's objects with them is slower, since almost no trial tip has a bitmap of its own.
        pack.setBuildBitmaps(false);
        gc.setPackConfig(pack);
        try {
            gc.gc().get();
        } catch (ParseException | GitAPIException | ExecutionException e) {
            throw new IOException("garbage collection of " + repo.getDirectory() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while packing " + repo.getDirectory(), e);
        }
        GC.RepoStatistics after = gc.getStatistics();
        return new MaintenanceResult(before.numberOfLooseObjects, before.numberOfPackFiles, after.numberOfLooseObjects,
                after.numberOfPackFiles, after.sizeOfPackedObjects, (System.nanoTime() - start) / 1_000_000);
    }

    /** Loose objects in the repository now: a directory scan, no object is read. */
    static long looseObjects(Repository repo) throws IOException {
        if (!(repo instanceof FileRepository files)) {
            return 0;
        }
        return new GC(files).getStatistics().numberOfLooseObjects;
    }
}
