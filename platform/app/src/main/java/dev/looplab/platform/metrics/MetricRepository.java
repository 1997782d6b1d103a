package dev.looplab.platform.metrics;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Reads stored metric points; long series stream from the database into the downsampler. */
@ApplicationScoped
public class MetricRepository {
    private static final int FETCH_SIZE = 10_000;

    @Inject
    AgroalDataSource dataSource;

    /** The latest attempt of the trial that has points. */
    public OptionalInt latestAttempt(String trialId) {
        return query("select max(attempt) from metric_point where trial_id = ?", trialId, rs -> {
            rs.next();
            int attempt = rs.getInt(1);
            return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(attempt);
        });
    }

    public List<MetricSummary> summaries(String trialId, int attempt) {
        String sql = "select name, count(*), min(step), max(step) from metric_point"
                + " where trial_id = ? and attempt = ? group by name order by name";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, trialId);
            s.setInt(2, attempt);
            List<MetricSummary> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new MetricSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the metrics of trial " + trialId + ": " + e.getMessage(), e);
        }
    }

    /** The series in step order, thinned to at most {@code maxPoints}; empty points when there is none. */
    public MetricSeries series(String trialId, int attempt, String name, int maxPoints) {
        String count = "select count(*) from metric_point where trial_id = ? and attempt = ? and name = ?";
        String points = "select step, value, wallclock from metric_point"
                + " where trial_id = ? and attempt = ? and name = ? order by step";
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement s = bind(c.prepareStatement(count), trialId, attempt, name);
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            MinMaxDownsampler sampler = new MinMaxDownsampler(total, maxPoints);
            // a cursor (fetch size outside autocommit) keeps a million-point series out of memory
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement s = bind(c.prepareStatement(points), trialId, attempt, name)) {
                s.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        sampler.add(new SeriesPoint(rs.getLong(1), rs.getDouble(2), rs.getDouble(3)));
                    }
                }
                c.commit();
            } finally {
                c.setAutoCommit(autoCommit);
            }
            return new MetricSeries(trialId, attempt, name, total, sampler.thins(),
                    sampler.thins() ? MinMaxDownsampler.METHOD : null, sampler.result());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read metric '" + name + "' of trial " + trialId + ": "
                    + e.getMessage(), e);
        }
    }

    private static PreparedStatement bind(PreparedStatement s, String trialId, int attempt, String name)
            throws SQLException {
        s.setString(1, trialId);
        s.setInt(2, attempt);
        s.setString(3, name);
        return s;
    }

    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, String trialId, Rows<T> rows) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, trialId);
            try (ResultSet rs = s.executeQuery()) {
                return rows.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the metrics of trial " + trialId + ": " + e.getMessage(), e);
        }
    }
}
