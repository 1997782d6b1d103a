package dev.looplab.platform.imports;

import dev.looplab.lineage.importer.ImportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Unpacks an uploaded source folder (a zip) into a private folder, refusing entries that would leave it. */
final class Uploads {

    private static final int MAX_ENTRIES = 2_000_000;

    private Uploads() {
    }

    /**
     * Unpacks {@code zip} into {@code folder} and returns the source folder: {@code folder} itself, or its only
     * subfolder when the zip holds one folder and nothing beside it.
     */
    static Path unzip(InputStream zip, Path folder, long maxBytes) {
        long total = 0;
        int entries = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream in = new ZipInputStream(zip)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (++entries > MAX_ENTRIES) {
                    throw new ImportException("the upload holds more than " + MAX_ENTRIES + " entries; upload the"
                            + " blackboard or checkout folder only");
                }
                Path target = folder.resolve(entry.getName()).normalize();
                if (entry.getName().startsWith("/") || entry.getName().contains("\\") || !target.startsWith(folder)
                        || target.equals(folder)) {
                    throw new ImportException("the upload's entry '" + entry.getName() + "' leaves its folder;"
                            + " pack the source with paths relative to its folder (looplab import does)");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                        total += n;
                        if (total > maxBytes) {
                            throw new ImportException("the upload unpacks to more than " + maxBytes + " bytes"
                                    + " (looplab.imports.max-upload-bytes); leave checkpoints and data out of the"
                                    + " folder, or raise the setting");
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new ImportException("the upload is not a readable zip (" + e.getMessage() + "); send the source"
                    + " folder packed as a zip with Content-Type application/zip", e);
        }
        if (entries == 0) {
            throw new ImportException("the upload is empty or not a zip; send the source folder packed as a zip"
                    + " with Content-Type application/zip");
        }
        try (var children = Files.list(folder)) {
            var all = children.toList();
            return all.size() == 1 && Files.isDirectory(all.get(0)) && !all.get(0).getFileName().toString()
                    .equals(".git") && !all.get(0).getFileName().toString().equals("snapshots") ? all.get(0) : folder;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the unpacked upload " + folder + ": " + e.getMessage(), e);
        }
    }
}
