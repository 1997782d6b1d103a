package dev.looplab.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * The API token a worker, proposer or the CLI sends the platform ({@code Authorization: Bearer}; as the password of
 * HTTP Basic for git). Given as the secret itself (LOOPLAB_TOKEN) or a file holding it (LOOPLAB_TOKEN_FILE); the
 * secret is never printed: {@link #toString()} hides it.
 */
public final class PlatformToken {
    private final String secret;

    private PlatformToken(String secret) {
        this.secret = secret;
    }

    /**
     * The token from {@code secret}, else from {@code file}; empty when both are blank.
     *
     * @throws IllegalArgumentException when the file cannot be read or is empty, naming the file and the fix
     */
    public static Optional<PlatformToken> of(String secret, String file) {
        if (secret != null && !secret.isBlank()) {
            return Optional.of(new PlatformToken(secret.strip()));
        }
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(fromFile(Path.of(file.strip())));
    }

    /** The token held in {@code file} (its first line). */
    public static PlatformToken fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + " (" + e.getMessage()
                    + "): check LOOPLAB_TOKEN_FILE, or give the token itself in LOOPLAB_TOKEN", e);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the token file " + file + " is empty: write the token"
                    + " (looplab token create shows it) into it");
        }
        return new PlatformToken(text.lines().findFirst().orElseThrow().strip());
    }

    /** The value of the {@code Authorization} header for REST calls. */
    public String bearer() {
        return "Bearer " + secret;
    }

    /** The value of the {@code Authorization} header as HTTP Basic (any user name, the token as password). */
    public String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("looplab:" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** The secret itself, for a client library that takes a password (JGit's credentials provider). */
    public String secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "PlatformToken[hidden]";
    }

    /** Writes {@code secret} to {@code file}, readable by its owner only where the file system has POSIX modes. */
    public static void write(Path file, String secret) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            try {
                Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(partial);
            }
            Files.writeString(partial, secret + "\n", StandardCharsets.UTF_8);
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A new secret: 256 random bits, {@code llt_} and base64url (what the platform's tokens look like). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return "llt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
