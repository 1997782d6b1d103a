package dev.looplab.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * What {@code looplab up} prints while it works: each step with the seconds since it began, and while a step waits,
 * a line at least every {@code heartbeat} that says what for, so a slow start never looks like a hang.
 */
final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final Duration heartbeat;
    private final long began = System.nanoTime();
    private final Thread ticker;
    private volatile Handler copy;
    private volatile String waitingFor;
    private volatile long waitingSince;
    private volatile long lastLine = System.nanoTime();

    Progress(PrintStream out, Duration heartbeat) {
        this.out = out;
        this.heartbeat = heartbeat;
        this.ticker = new Thread(this::tick, "looplab-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Progress on standard output with a line every 10 s while waiting. */
    static Progress onStandardOutput() {
        return new Progress(System.out, Duration.ofSeconds(10));
    }

    /** Also writes every line to {@code handler} (the launcher's log file). */
    Progress copyTo(Handler handler) {
        this.copy = handler;
        return this;
    }

    /** Prints {@code text} after the elapsed time, e.g. {@code [  12.3s] starting Kafka ...}. */
    synchronized void say(String text) {
        String line = String.format("[%6.1fs] %s", (System.nanoTime() - began) / 1e9, text);
        out.println(line);
        out.flush();
        Handler handler = copy;
        if (handler != null) {
            LogRecord record = new LogRecord(Level.INFO, line);
            record.setLoggerName(Progress.class.getName());
            handler.publish(record);
        }
        lastLine = System.nanoTime();
    }

    /** From now on, a quiet stretch of {@code heartbeat} prints "still {@code what}"; {@code null} ends the wait. */
    void waitingFor(String what) {
        if (what != null && !what.equals(waitingFor)) {
            waitingSince = System.nanoTime();
        }
        waitingFor = what;
    }

    private void tick() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            String what = waitingFor;
            if (what != null && System.nanoTime() - lastLine >= heartbeat.toNanos()) {
                say("  still " + what + " (" + Math.round((System.nanoTime() - waitingSince) / 1e9) + " s)");
            }
        }
    }

    @Override
    public void close() {
        waitingFor = null;
        ticker.interrupt();
    }
}
