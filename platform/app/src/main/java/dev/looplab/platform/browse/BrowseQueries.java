package dev.looplab.platform.browse;

import dev.looplab.trial.TrialStatus;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The SQL of the browse views, on plain JDBC: filters become bound parameters, the order a whitelisted column, so
 * a page or a count at 100,000 trials is one indexed query (V20__browse_indexes.sql).
 */
@ApplicationScoped
class BrowseQueries {
    static final int FEEDBACK_CHARS = 300;
    /** The text that the {@code q} filter searches: hypothesis and feedback as a stored, GIN-indexed tsvector (V23). */
    static final String SEARCH_TEXT = "search_text";
    private static final String ROW_COLUMNS = "id, parent_trial_id, specialist, surface, kind, status, score,"
            + " test_score, direction, delta_vs_parent, delta_vs_best, keep_rule, hypothesis, reason, left(feedback, "
            + FEEDBACK_CHARS + "), train_seconds, created_at, recorded_at";

    @Inject
    AgroalDataSource dataSource;

    /** A WHERE clause and its parameters, in order. */
    record Where(String sql, List<Object> params) {
        static Where of(String campaign, TrialFilter f) {
            StringBuilder sql = new StringBuilder("campaign_id = ?");
            List<Object> params = new ArrayList<>(List.of(campaign));
            in(sql, params, "status", f.statuses().stream().map(TrialStatus::name).toList());
            in(sql, params, "specialist", f.specialists());
            in(sql, params, "surface", f.surfaces());
            in(sql, params, "kind", f.kinds());
            in(sql, params, "id", f.ids());
            if (f.minScore() != null) {
                sql.append(" and score >= ?");
                params.add(f.minScore());
            }
            if (f.maxScore() != null) {
                sql.append(" and score <= ?");
                params.add(f.maxScore());
            }
            if (!f.words().isEmpty()) {
                sql.append(" and ").append(SEARCH_TEXT).append(" @@ to_tsquery('simple', ?)");
                params.add(f.textQuery());
            }
            return new Where(sql.toString(), params);
        }

        private static void in(StringBuilder sql, List<Object> params, String column, Collection<String> values) {
            if (!values.isEmpty()) {
                sql.append(" and ").append(column).append(" in (")
                        .append(String.join(", ", java.util.Collections.nCopies(values.size(), "?"))).append(')');
                params.addAll(values);
            }
        }
    }

    static String orderBy(TrialFilter.Order order) {
        String direction = order.ascending() ? "asc" : "desc";
        String ties = "created_at desc, length(id) desc, id desc";
        if (order.key() == TrialFilter.Sort.created) {
            return "created_at " + direction + ", length(id) " + direction + ", id " + direction;
        }
        return order.key().column + " " + direction + " nulls last, " + ties;
    }

    long count(String campaign, TrialFilter filter) {
        Where where = Where.of(campaign, filter);
        return query("select count(*) from trial where " + where.sql(), where.params(), rs -> {
            rs.next();
            return rs.getLong(1);
        });
    }

    List<TrialRow> page(String campaign, TrialFilter filter, int page, int size) {
        Where where = Where.of(campaign, filter);
        List<Object> params = new ArrayList<>(where.params());
        params.add(size);
        params.add((long) page * size);
        // the page's ids first, from the narrow rows the order reads; then the wide columns of those rows only, so a
        // deep page does not read and cut the hypothesis and feedback of every row it skips
        return query("with page as (select id from trial where " + where.sql() + " order by " + orderBy(filter.order())
                + " limit ? offset ?) select " + ROW_COLUMNS + " from trial join page using (id) order by "
                + orderBy(filter.order()), params, rs -> {
            List<TrialRow> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row(rs));
            }
            return rows;
        });
    }

    /** Streams every matching row with every column {@link TrialCsv} writes, through a cursor. */
    void forEachExported(String campaign, TrialFilter filter, RowSink sink) {
        Where where = Where.of(campaign, filter);
        String sql = "select " + TrialCsv.COLUMNS + " from trial where " + where.sql() + " order by "
                + orderBy(filter.order());
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement s = bind(c.prepareStatement(sql), where.params())) {
                s.setFetchSize(2_000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(rs);
                    }
                }
                c.commit();
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot export the trials of campaign " + campaign + ": "
                    + e.getMessage(), e);
        }
    }

    /** Receives exported rows one at a time; may throw to stop the export (the client went away). */
    interface RowSink {
        void accept(ResultSet row) throws SQLException;
    }

    /** Reads rows of a query whose parameters are bound in order. */
    interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    <T> T query(String sql, List<Object> params, Rows<T> rows) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = bind(c.prepareStatement(sql), params);
             ResultSet rs = s.executeQuery()) {
            return rows.read(rs);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read trials (" + e.getMessage() + ")", e);
        }
    }

    private static PreparedStatement bind(PreparedStatement s, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            s.setObject(i + 1, params.get(i));
        }
        return s;
    }

    private static TrialRow row(ResultSet rs) throws SQLException {
        return new TrialRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                TrialStatus.of(rs.getString(6)).orElse(null), nullableDouble(rs, 7), nullableDouble(rs, 8),
                rs.getString(9), nullableDouble(rs, 10), nullableDouble(rs, 11), rs.getString(12), rs.getString(13),
                rs.getString(14), rs.getString(15), nullableDouble(rs, 16), instant(rs.getTimestamp(17)),
                instant(rs.getTimestamp(18)));
    }

    static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
