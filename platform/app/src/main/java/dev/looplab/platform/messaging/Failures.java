package dev.looplab.platform.messaging;

import dev.looplab.lineage.LineageException;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;

/** Tells a failure a retry can cure (a service down or restarting, a full disk being freed) from a bad record. */
public final class Failures {

    private Failures() {
    }

    /** True when the same call may succeed later: I/O, a lost database connection, a broker that did not answer. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LineageException lineage) {
                return lineage.isRetriable();
            }
            if (t instanceof SQLTransientException || t instanceof IOException || t instanceof TimeoutException
                    || t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof org.hibernate.exception.JDBCConnectionException
                    || t instanceof Publisher.NotAcknowledgedException) {
                return true;
            }
            // SQLSTATE class 08: connection exception; 57P: the server is shutting down or restarting
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** The failure in one line: its type and message, and the root cause's when it differs. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return root == failure ? text : text + " (cause: " + root.getClass().getSimpleName() + ": "
                + root.getMessage() + ")";
    }
}
