package dev.looplab.platform.metrics;

import dev.looplab.events.MetricPoint;
import dev.looplab.platform.support.RealServicesResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metric ingest speed: the platform's path (COPY per 1,000-point batch, as METRICS events arrive)
 * against one raw COPY of the same rows into an identical table, and against the alternatives
 * (JDBC batch insert with ON CONFLICT, the staging merge a redelivered batch takes). Run with
 * {@code ./mvnw -o -pl platform/app -am test -Dtest=MetricIngestBenchmark -Dbench.metrics=true
 * -Dsurefire.failIfNoSpecifiedTests=false}; results go to {@code target/benchmarks-metrics.txt}.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@EnabledIfSystemProperty(named = "bench.metrics", matches = "true")
class MetricIngestBenchmark {
    private static final int POINTS = Integer.getInteger("bench.metrics.points", 1_000_000);
    private static final int BATCH = 1_000;
    private static final int ROUNDS = Integer.getInteger("bench.metrics.rounds", 2);
    private static final String[] NAMES = {"train_loss", "lr", "grad_norm", "train_tokens"};

    @Inject
    MetricIngest ingest;
    @Inject
    AgroalDataSource dataSource;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void ingestKeepsUpWithRawCopy() throws Exception {
        exec("create table if not exists metric_point_raw (like metric_point including all)");
        exec("create table if not exists metric_point_jdbc (like metric_point including all)");
        List<MetricPoint> points = points(POINTS);
        run(points.subList(0, 20_000), "warm-up");
        Map<String, Double> best = new LinkedHashMap<>();
        for (int round = 1; round <= ROUNDS; round++) {
            run(points, "round " + round).forEach((k, v) -> best.merge(k, v, Math::max));
        }
        double raw = best.get("raw COPY, one statement");
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "%,d points, batches of %,d, best of %d rounds%n", POINTS, BATCH, ROUNDS));
        best.forEach((k, v) -> report.append(String.format(Locale.ROOT, "| %s | %,.0f points/s | %.2f |%n", k, v,
                v / raw)));
        System.out.println(report);
        Files.writeString(Path.of("target", "benchmarks-metrics.txt"), report);
        assertThat(best.get("platform ingest (COPY per batch)")).isPositive();
    }

    private Map<String, Double> run(List<MetricPoint> points, String label) throws Exception {
        exec("truncate metric_point, metric_point_raw, metric_point_jdbc");
        Map<String, Double> rates = new LinkedHashMap<>();
        String trial = "bench-" + UUID.randomUUID();

        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            MetricIngest.copy(c, "metric_point_raw", trial, 1, points);
            c.commit();
            c.setAutoCommit(true);
        }
        rates.put("raw COPY, one statement", rate(points.size(), t0));

        t0 = System.nanoTime();
        long stored = 0;
        for (int i = 0; i < points.size(); i += BATCH) {
            stored += ingest.store(trial, 1, points.subList(i, Math.min(points.size(), i + BATCH)));
        }
        rates.put("platform ingest (COPY per batch)", rate(points.size(), t0));
        assertThat(stored).isEqualTo(points.size());

        t0 = System.nanoTime();
        long again = 0;
        for (int i = 0; i < points.size(); i += BATCH) {
            again += ingest.store(trial, 1, points.subList(i, Math.min(points.size(), i + BATCH)));
        }
        rates.put("redelivered batches (staging + ON CONFLICT)", rate(points.size(), t0));
        assertThat(again).isZero();

        t0 = System.nanoTime();
        jdbcBatch(trial, points);
        rates.put("JDBC batch insert ON CONFLICT DO NOTHING", rate(points.size(), t0));

        System.out.printf(Locale.ROOT, "%s: %s%n", label, rates);
        return rates;
    }

    /** The alternative the issue names: multi-row inserts (reWriteBatchedInserts) per 1,000-point batch. */
    private void jdbcBatch(String trial, List<MetricPoint> points) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("reWriteBatchedInserts", "true");
        try (Connection c = DriverManager.getConnection(jdbcUrl, props);
             PreparedStatement s = c.prepareStatement("insert into metric_point_jdbc " + MetricIngest.COLUMNS
                     + " values (?, ?, ?, ?, ?, ?) on conflict do nothing")) {
            for (int i = 0; i < points.size(); i += BATCH) {
                c.setAutoCommit(false);
                for (MetricPoint p : points.subList(i, Math.min(points.size(), i + BATCH))) {
                    s.setString(1, trial);
                    s.setInt(2, 1);
                    s.setString(3, p.name());
                    s.setLong(4, p.step());
                    s.setDouble(5, p.value());
                    s.setDouble(6, p.wallclock());
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            }
        }
    }

    private static List<MetricPoint> points(int n) {
        List<MetricPoint> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long step = i / NAMES.length;
            points.add(new MetricPoint(step, NAMES[i % NAMES.length], 8.0 / (1 + step * 1e-4) + (i % 7) * 1e-3,
                    step * 0.05));
        }
        return points;
    }

    private static double rate(int points, long startNanos) {
        return points / ((System.nanoTime() - startNanos) / 1e9);
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
