package dev.looplab.platform.metrics;

import dev.looplab.events.MetricPoint;
import dev.looplab.events.TrialEvent;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Stores batches of metric points with Postgres COPY. A batch is copied straight into
 * {@code metric_point}; only when that hits the primary key (a redelivered batch) is it merged
 * through a staging table with {@code ON CONFLICT DO NOTHING}, so redelivery stays a no-op and the
 * common case runs at raw COPY speed (see docs/benchmarks-metrics.md).
 */
@ApplicationScoped
public class MetricIngest {
    private static final Logger LOG = Logger.getLogger(MetricIngest.class);
    private static final String UNIQUE_VIOLATION = "23505";
    static final String COLUMNS = "(trial_id, attempt, name, step, value, wallclock)";

    @Inject
    AgroalDataSource dataSource;

    /** Stores the points of a METRICS event; other events and empty batches are ignored. */
    public void ingest(TrialEvent event) {
        if (event.points() == null || event.points().isEmpty()) {
            return;
        }
        int stored = store(event.trialId(), event.attempt(), event.points());
        LOG.debugf("trial %s attempt %d: %d of %d metric points stored", event.trialId(), event.attempt(), stored,
                event.points().size());
    }

    /** Stores the points and returns how many were new. */
    public int store(String trialId, int attempt, List<MetricPoint> points) {
        if (trialId == null || trialId.isBlank()) {
            throw new IllegalArgumentException("metric points without a trial id cannot be stored");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int stored;
                try {
                    stored = (int) copy(connection, "metric_point", trialId, attempt, points);
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    connection.rollback();
                    stored = merge(connection, trialId, attempt, points);
                }
                connection.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + points.size() + " metric points of trial " + trialId
                    + ": " + e.getMessage(), e);
        }
    }

    /** The slow path for a batch that overlaps stored points: copy to a staging table, insert what is new. */
    private static int merge(Connection connection, String trialId, int attempt, List<MetricPoint> points)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create temp table if not exists metric_point_stage (like metric_point)"
                    + " on commit delete rows");
            copy(connection, "metric_point_stage", trialId, attempt, points);
            return statement.executeUpdate("insert into metric_point " + COLUMNS + " select " + COLUMNS.substring(1,
                    COLUMNS.length() - 1) + " from metric_point_stage on conflict do nothing");
        }
    }

    /** COPYs the points into {@code table} (which has metric_point's columns) and returns the rows copied. */
    static long copy(Connection connection, String table, String trialId, int attempt, List<MetricPoint> points)
            throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("copy " + table + " " + COLUMNS + " from stdin");
        try {
            StringBuilder rows = new StringBuilder(16 * 1024);
            String prefix = escape(trialId) + '\t' + attempt + '\t';
            for (MetricPoint p : points) {
                rows.append(prefix).append(escape(p.name())).append('\t').append(p.step()).append('\t')
                        .append(p.value()).append('\t').append(p.wallclock()).append('\n');
                if (rows.length() >= 60 * 1024) {
                    write(copy, rows);
                }
            }
            write(copy, rows);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void write(CopyIn copy, StringBuilder rows) throws SQLException {
        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        rows.setLength(0);
    }

    /** COPY's text format: backslash, tab and line breaks are escaped; names come from recipes. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
