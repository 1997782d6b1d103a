package dev.looplab.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

    @TempDir
    Path home;

    @Test
    void durableServerKeepsCommittedRowsAcrossARestartOnTheSameDirectory() throws Exception {
        // given a durable server on a kept directory with one committed row
        int firstPort;
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home, 0, true)) {
            System.out.println("postgres durable first start (initdb included): " + pg.startupTime().toMillis() + " ms");
            firstPort = pg.port();
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                assertThat(scalar(s, "SHOW fsync")).isEqualTo("on");
                assertThat(scalar(s, "SHOW synchronous_commit")).isEqualTo("on");
                assertThat(scalar(s, "SELECT current_database()")).isEqualTo("looplab");
                s.execute("CREATE TABLE trial (id text PRIMARY KEY, score double precision)");
                s.execute("INSERT INTO trial VALUES ('t-1', 0.93)");
            }
        }

        // when the server is started again on the same directory
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home, 0, true)) {
            System.out.println("postgres durable restart: " + pg.startupTime().toMillis() + " ms");
            // then the row is there, and the remembered port was reused
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT score::text FROM trial WHERE id = 't-1'")).isEqualTo("0.93");
            }
            assertThat(pg.port()).isEqualTo(firstPort);
        }
    }

    @Test
    void throwAwayServerRunsWithoutFsyncAndLeavesNothingBehind() throws Exception {
        // given a non-durable server in a temp directory
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start();
        System.out.println("postgres temp start: " + pg.startupTime().toMillis() + " ms");
        Path dir = pg.directory();
        long postmaster = pg.postmasterPid().orElseThrow();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SHOW fsync")).isEqualTo("off");
        }

        // when it is closed
        pg.close();

        // then the postmaster is gone and so is the directory
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void givenThePostmasterKilledWithSigkill_whenRestarted_thenItAnswersOnTheSamePortWithItsRows() throws Exception {
        // given a durable server, as `looplab up` runs it, with a committed row
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home, 0, true)) {
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE trial (id text PRIMARY KEY)");
                s.execute("INSERT INTO trial VALUES ('t-1')");
            }
            String url = pg.jdbcUrl();
            ProcessHandle killed = ProcessHandle.of(pg.pid()).orElseThrow();

            // when the postmaster is killed and the server restarted
            killed.destroyForcibly();
            killed.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(pg.isRunning()).isFalse();
            pg.restart();

            // then a new postmaster answers on the same URL, with the same settings and the row
            assertThat(pg.isRunning()).isTrue();
            assertThat(pg.pid()).isNotEqualTo(killed.pid());
            assertThat(pg.jdbcUrl()).isEqualTo(url);
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT id FROM trial")).isEqualTo("t-1");
                assertThat(scalar(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(scalar(s, "SHOW max_connections")).isEqualTo("200");
            }
        }
    }

    private static String scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }
}
