package dev.looplab.platform.browse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/**
 * Trials as CSV (RFC 4180: comma separated, CRLF, fields quoted when they hold a comma, quote or line break), one
 * row per trial with every recorded column a paper's table or a notebook needs.
 */
final class TrialCsv {
    static final List<String> HEADER = List.of("trial", "parent", "campaign", "specialist", "surface", "kind",
            "status", "score", "direction", "delta_vs_parent", "delta_vs_best", "keep_rule", "train_seconds",
            "eval_seconds", "artifact_bytes", "seed", "commit", "created_at", "recorded_at", "hypothesis",
            "feedback");
    static final String COLUMNS = "id, parent_trial_id, campaign_id, specialist, surface, kind, status, score,"
            + " direction, delta_vs_parent, delta_vs_best, keep_rule, train_seconds, eval_seconds, artifact_bytes,"
            + " seed, commit_id, created_at, recorded_at, hypothesis, feedback";

    private final Writer out;

    TrialCsv(Writer out) {
        this.out = out;
    }

    void header() {
        line(HEADER.stream().map(h -> (Object) h).toList());
    }

    /** One row of {@link #COLUMNS}. */
    void row(ResultSet rs) throws SQLException {
        Object[] values = new Object[HEADER.size()];
        for (int i = 0; i < values.length; i++) {
            Object v = rs.getObject(i + 1);
            values[i] = v instanceof Timestamp t ? t.toInstant() : v;
        }
        line(java.util.Arrays.asList(values));
    }

    private void line(List<Object> values) {
        try {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(field(values.get(i)));
            }
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The field as written: numbers as Java prints them, text quoted when needed; text that a spreadsheet would
     * run as a formula (it starts with =, +, -, @) gets a leading apostrophe, since hypotheses come from agents.
     */
    static String field(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Number) {
            return value.toString();
        }
        String text = value.toString();
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
