package dev.looplab.platform.security;

import dev.looplab.access.PlatformToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A token's secret ({@link PlatformToken#newSecret()}) and the SHA-256 the platform keeps instead. */
final class TokenSecrets {
    private TokenSecrets() {
    }

    static String newSecret() {
        return PlatformToken.newSecret();
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
