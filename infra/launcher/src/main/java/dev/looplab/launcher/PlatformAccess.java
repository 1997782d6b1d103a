package dev.looplab.launcher;

import dev.looplab.access.PlatformToken;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The token the command line sends the platform: LOOPLAB_TOKEN, else the file LOOPLAB_TOKEN_FILE names, else the
 * admin token {@code looplab up} keeps in {@code $LOOPLAB_HOME/admin.token}, so the same machine's CLI needs no
 * token typed.
 */
final class PlatformAccess {
    /** The file name of looplab up's admin token in LOOPLAB_HOME. */
    static final String ADMIN_TOKEN_FILE = "admin.token";

    private static volatile Optional<PlatformToken> fromEnvironment;

    private PlatformAccess() {
    }

    static Optional<PlatformToken> token(Map<String, String> env) {
        Optional<PlatformToken> given = PlatformToken.of(env.get("LOOPLAB_TOKEN"), env.get("LOOPLAB_TOKEN_FILE"));
        if (given.isPresent()) {
            return given;
        }
        Path local = adminTokenFile(Stack.Settings.home(env));
        return Files.isRegularFile(local) ? Optional.of(PlatformToken.fromFile(local)) : Optional.empty();
    }

    /** {@code $LOOPLAB_HOME/admin.token}. */
    static Path adminTokenFile(Path home) {
        return home.resolve(ADMIN_TOKEN_FILE);
    }

    /** The admin token file of {@code home}, written with a new secret (mode 600) when there is none yet. */
    static Path ensureAdminToken(Path home) {
        Path file = adminTokenFile(home);
        if (!Files.isRegularFile(file)) {
            PlatformToken.write(file, PlatformToken.newSecret());
        }
        return file;
    }

    /** A request to the platform carrying this process's token, when it has one. */
    static HttpRequest.Builder request(URI uri) {
        return request(uri, process());
    }

    static HttpRequest.Builder request(URI uri, Optional<PlatformToken> token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        token.ifPresent(t -> builder.header("Authorization", t.bearer()));
        return builder;
    }

    /**
     * Sets the token this process's commands send, as if LOOPLAB_TOKEN held it: for a test that runs the commands
     * in its own JVM against a stack whose LOOPLAB_HOME is not this process's. Null reads the environment again
     * (the test's stack is gone: a later test's commands must not send its token).
     */
    static void useToken(Optional<PlatformToken> token) {
        fromEnvironment = token;
    }

    private static Optional<PlatformToken> process() {
        Optional<PlatformToken> known = fromEnvironment;
        if (known == null) {
            known = token(System.getenv());
            fromEnvironment = known;
        }
        return known;
    }

    /** What to do about a 401 or 403 from the platform; empty for any other status. */
    static String hint(int status) {
        return switch (status) {
            case 401 -> " (no valid token: set LOOPLAB_TOKEN or LOOPLAB_TOKEN_FILE to one from looplab token create,"
                    + " or run on the machine and LOOPLAB_HOME of looplab up)";
            case 403 -> " (the token's role does not allow this: see docs/deploy.md, \"Roles and tokens\")";
            default -> "";
        };
    }
}
