package dev.looplab.infra;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * An embedded server whose process may die: a supervisor asks whether it runs and restarts it on the same port
 * and data directory, so clients configured with its endpoint reconnect without a change.
 */
public interface EmbeddedService extends AutoCloseable {

    /** Short name: {@code kafka}, {@code postgresql} or {@code s3}. */
    String name();

    /** Where clients connect: bootstrap servers, JDBC URL or HTTP endpoint; the same after a restart. */
    String endpoint();

    /** True while the server's process (broker JVM, postmaster, S3Proxy JVM) is alive. */
    boolean isRunning();

    /** The server's process id, or -1 while none runs. */
    long pid();

    /** The exit status of the server's last process once it has ended, when known. */
    OptionalInt exitCode();

    /** The file the server logs to. */
    Path logFile();

    /**
     * Starts the server again after its process died, on the same port and data directory; whatever is left of
     * the old process is stopped first.
     *
     * @throws IllegalStateException when it is closed or does not become ready; the message says why
     */
    void restart();

    /** Stops the server for good. Idempotent. */
    @Override
    void close();
}
