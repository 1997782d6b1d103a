package dev.looplab.worker.metrics;

import dev.looplab.events.MetricPoint;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Follows a recipe's {@code LOOPLAB_METRICS} file while it trains and hands its points to a sink in
 * batches (at most {@code maxBatch} points, at least every {@code maxDelay}); {@link #close()} drains
 * what is left, a last line without its newline included. Garbage lines are counted, never thrown.
 */
public final class MetricsTail implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsTail.class);

    /**
     * How the tail batches and what it bounds: lines longer than {@code maxLineBytes} are rejected, and
     * points after the first {@code maxPoints} are dropped, so a runaway recipe cannot flood the platform.
     */
    public record Settings(int maxBatch, Duration maxDelay, Duration pollInterval, int maxLineBytes, long maxPoints) {
        public static final Settings DEFAULT = new Settings(1_000, Duration.ofSeconds(2), Duration.ofMillis(200),
                64 * 1024, 2_000_000);

        public Settings {
            if (maxBatch < 1 || maxLineBytes < 1 || maxPoints < 0) {
                throw new IllegalArgumentException("maxBatch, maxLineBytes must be positive and maxPoints >= 0");
            }
        }
    }

    /** What the tail read: points handed on, lines rejected (with the first reason), points dropped past the cap. */
    public record Summary(long points, long rejectedLines, String firstRejection, long droppedPoints) {
        /** One line for event messages and logs. */
        public String describe() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%d metric points", points));
            if (rejectedLines > 0) {
                text.append(String.format(Locale.ROOT, ", %d metric lines rejected (first: %s)", rejectedLines,
                        firstRejection));
            }
            if (droppedPoints > 0) {
                text.append(String.format(Locale.ROOT, ", %d points dropped past the cap", droppedPoints));
            }
            return text.toString();
        }
    }

    private final Path file;
    private final Settings settings;
    private final Consumer<List<MetricPoint>> sink;
    private final Thread thread;
    private final Object lock = new Object();

    // guarded by lock: the tail thread and close() both read
    private long position;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean skippingLongLine;
    private List<MetricPoint> batch = new ArrayList<>();
    private long batchStartedNanos;
    private long points;
    private long rejected;
    private String firstRejection;
    private long dropped;
    private volatile boolean stopping;
    private Summary summary;

    private MetricsTail(Path file, Settings settings, Consumer<List<MetricPoint>> sink) {
        this.file = file;
        this.settings = settings;
        this.sink = sink;
        this.thread = new Thread(this::follow, "metrics-tail-" + file.getFileName());
        this.thread.setDaemon(true);
    }

    /** Starts following {@code file}; it may not exist yet. */
    public static MetricsTail start(Path file, Settings settings, Consumer<List<MetricPoint>> sink) {
        MetricsTail tail = new MetricsTail(file, settings, sink);
        tail.thread.start();
        return tail;
    }

    private void follow() {
        while (!stopping) {
            synchronized (lock) {
                if (!stopping) {
                    readNewBytes();
                    if (!batch.isEmpty() && System.nanoTime() - batchStartedNanos >= settings.maxDelay().toNanos()) {
                        flush();
                    }
                }
            }
            try {
                Thread.sleep(settings.pollInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops following, reads what is left (a final unterminated line too), flushes and returns the summary. */
    @Override
    public void close() {
        synchronized (lock) {
            if (summary != null) {
                return;
            }
            stopping = true;
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            readNewBytes();
            if (pending.size() > 0 && !skippingLongLine) {
                accept(pending.toString(StandardCharsets.UTF_8));
            }
            pending.reset();
            flush();
            summary = new Summary(points, rejected, firstRejection, dropped);
        }
    }

    /** What was read; only after {@link #close()}. */
    public Summary summary() {
        synchronized (lock) {
            if (summary == null) {
                throw new IllegalStateException("the tail of " + file + " is still running: close it first");
            }
            return summary;
        }
    }

    private void readNewBytes() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < position) {
                // the recipe truncated the file: read it again from the start
                position = 0;
                pending.reset();
                skippingLongLine = false;
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (position < size) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                split(buffer.array(), n);
            }
        } catch (NoSuchFileException e) {
            // not written yet
        } catch (IOException e) {
            LOG.warnf("cannot read metrics file %s: %s", file, e.getMessage());
        }
    }

    /** Splits at '\n' bytes (never part of a multi-byte UTF-8 character); keeps the unterminated rest. */
    private void split(byte[] bytes, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                append(bytes, start, i - start);
                if (!skippingLongLine) {
                    accept(pending.toString(StandardCharsets.UTF_8));
                }
                pending.reset();
                skippingLongLine = false;
                start = i + 1;
            }
        }
        append(bytes, start, length - start);
    }

    private void append(byte[] bytes, int offset, int length) {
        if (skippingLongLine || length == 0) {
            return;
        }
        if (pending.size() + length > settings.maxLineBytes()) {
            pending.reset();
            skippingLongLine = true;
            reject("line longer than " + settings.maxLineBytes() + " bytes");
            return;
        }
        pending.write(bytes, offset, length);
    }

    private void accept(String line) {
        if (line.isBlank()) {
            return;
        }
        MetricLine.Parsed parsed = MetricLine.parse(line);
        if (!parsed.ok()) {
            reject(parsed.rejection() + ": " + abbreviate(line));
            return;
        }
        if (points >= settings.maxPoints()) {
            dropped++;
            return;
        }
        if (batch.isEmpty()) {
            batchStartedNanos = System.nanoTime();
        }
        batch.add(parsed.point());
        points++;
        if (batch.size() >= settings.maxBatch()) {
            flush();
        }
    }

    private void reject(String reason) {
        rejected++;
        if (firstRejection == null) {
            firstRejection = reason;
        }
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<MetricPoint> full = List.copyOf(batch);
        batch = new ArrayList<>();
        try {
            sink.accept(full);
        } catch (RuntimeException e) {
            // points are informational: losing a batch must never fail the trial
            LOG.warnf("could not hand on %d metric points from %s: %s", full.size(), file, e.getMessage());
        }
    }

    private static String abbreviate(String line) {
        String oneLine = line.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
}
