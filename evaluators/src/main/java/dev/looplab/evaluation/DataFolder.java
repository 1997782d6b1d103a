package dev.looplab.evaluation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A training data folder (shards and a meta file, as the Python tasks prepare them) seen as one thing: its
 * content digest, its size, and a cheap listing that changes when any file in it is added, removed, resized or
 * rewritten, so a cached folder can be checked before every trial without reading gigabytes again.
 */
public final class DataFolder {

    private DataFolder() {
    }

    /** The regular files under {@code dir}, as paths relative to it, in name order. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The lower-case hex sha256 over every file's relative name and bytes, in name order. */
    public static String sha256(Path dir) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        for (Path file : files(dir)) {
            digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try (InputStream in = Files.newInputStream(dir.resolve(file))) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir.resolve(file), e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The total size of the files under {@code dir}. */
    public static long bytes(Path dir) {
        long total = 0;
        for (Path file : files(dir)) {
            try {
                total += Files.size(dir.resolve(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + dir.resolve(file), e);
            }
        }
        return total;
    }

    /**
     * A digest of every file's relative name, size and modification time under {@code dir} (without reading
     * the files): equal listings mean nothing was added, removed, resized or rewritten since.
     */
    public static String listing(Path dir) {
        MessageDigest digest = sha256();
        for (Path file : files(dir)) {
            Path path = dir.resolve(file);
            try {
                digest.update((file + "\0" + Files.size(path) + "\0" + Files.getLastModifiedTime(path).toMillis()
                        + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the attributes of " + path, e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
