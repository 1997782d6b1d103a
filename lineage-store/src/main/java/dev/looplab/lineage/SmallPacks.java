package dev.looplab.lineage;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.Pack;
import org.eclipse.jgit.internal.storage.file.PackFile;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.internal.storage.pack.PackExt;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * Keeps the number of pack files low while every recorded group of trials adds one. Once more than
 * {@value #MAX_PACKS} packs of at most {@value #MAX_MERGED_OBJECTS} objects exist, the smallest are merged into
 * one: a pack joins while it holds fewer than twice the objects of the smaller ones together (a geometric
 * progression, like {@code git repack --geometric=2}), so each object is copied a few times over its life. The
 * merged pack is complete and open before the merged ones are deleted, so every reader, JGit or git, in this
 * process or another, finds every object throughout.
 */
final class SmallPacks {

    static final int MAX_PACKS = 8;
    // Larger packs (an import, a git gc) are left alone: merging them would copy far more than a group writes.
    static final long MAX_MERGED_OBJECTS = 100_000;
    private static final PackExt[] DELETE_ORDER = {PackExt.INDEX, PackExt.PACK, PackExt.REVERSE_INDEX,
        PackExt.BITMAP_INDEX, PackExt.OBJECT_SIZE_INDEX};

    private SmallPacks() {
    }

    /** Merges the smallest packs if there are too many; returns how many packs were merged (0: none). */
    static int merge(ObjectDirectory objects) {
        try {
            List<Pack> small = new ArrayList<>();
            for (Pack pack : objects.getPacks()) {
                if (!pack.shouldBeKept() && objectCount(pack) <= MAX_MERGED_OBJECTS) {
                    small.add(pack);
                }
            }
            if (small.size() <= MAX_PACKS) {
                return 0;
            }
            small.sort(Comparator.comparingLong(SmallPacks::objectCount));
            long smaller = 0;
            int merging = 0;
            while (merging < small.size() && (merging < 2 || objectCount(small.get(merging)) < 2 * smaller)) {
                smaller += objectCount(small.get(merging));
                merging++;
            }
            List<Pack> merged = small.subList(0, merging);
            try (PackInserter inserter = objects.newPackInserter(); ObjectReader reader = objects.newReader()) {
                // Every object exists already (in the packs being merged): it must be copied all the same.
                inserter.checkExisting(false);
                for (Pack pack : merged) {
                    for (PackIndex.MutableEntry entry : pack) {
                        ObjectLoader object = reader.open(entry.toObjectId());
                        inserter.insert(object.getType(), object.getSize(), object.openStream());
                    }
                }
                inserter.flush();
            }
            for (Pack pack : merged) {
                delete(pack);
            }
            return merged.size();
        } catch (IOException e) {
            // Merging only saves lookups; the recording that triggered it is complete, and the next group retries.
            return 0;
        }
    }

    private static long objectCount(Pack pack) {
        try {
            return pack.getIndex().getObjectCount();
        } catch (IOException e) {
            // An unreadable pack is not ours to merge.
            return Long.MAX_VALUE;
        }
    }

    private static void delete(Pack pack) throws IOException {
        PackFile file = pack.getPackFile();
        pack.close();
        // The index first: git and JGit only list a pack through it, so no reader finds a half-deleted pack.
        for (PackExt ext : DELETE_ORDER) {
            Files.deleteIfExists(file.create(ext).toPath());
        }
    }
}
