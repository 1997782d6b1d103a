package dev.looplab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * An initdb'd, cleanly stopped PostgreSQL cluster kept in the temp dir and copied for each
 * throw-away server: a copy takes a fraction of a second where initdb takes seconds.
 */
final class ClusterTemplate {

    private static final Logger LOG = Logger.getLogger(ClusterTemplate.class);

    // keyed by major version: a cluster only starts on the major version that created it
    private static final Path TEMPLATE = Path.of(System.getProperty("java.io.tmpdir"), "looplab-pg18-template");

    private ClusterTemplate() {
    }

    /** Copies the template cluster to {@code pgdata}, creating the template first if needed. */
    static void copyTo(Path pgdata) {
        if (!Files.isRegularFile(TEMPLATE.resolve("postgresql.conf"))) {
            create();
        }
        try (Stream<Path> files = Files.walk(TEMPLATE)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = pgdata.resolve(TEMPLATE.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            // postgres refuses a data dir others can read
            Files.setPosixFilePermissions(pgdata, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the PostgreSQL template " + TEMPLATE + " to " + pgdata
                    + ": delete " + TEMPLATE + " and retry", e);
        }
    }

    private static synchronized void create() {
        if (Files.isRegularFile(TEMPLATE.resolve("postgresql.conf"))) {
            return;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("looplab-pg18-template-build-");
            Path pgdata = work.resolve("pgdata");
            Path log = work.resolve("initdb.log");
            // start and stop once so the template is a complete, cleanly shut down cluster
            EmbeddedPostgres.builder().setDataDirectory(pgdata).setCleanDataDirectory(false)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setPort(LocalPorts.free()).start().close();
            Files.deleteIfExists(pgdata.resolve("epg-lock"));
            try {
                // atomic: a concurrent JVM building the same template loses the race harmlessly
                Files.move(pgdata, TEMPLATE, StandardCopyOption.ATOMIC_MOVE);
                LOG.debugf("Created the PostgreSQL template cluster %s", TEMPLATE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another JVM made it first
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the PostgreSQL template cluster " + TEMPLATE, e);
        } finally {
            if (work != null) {
                ServiceDirectory.deleteRecursively(work);
            }
        }
    }
}
