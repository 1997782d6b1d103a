package dev.looplab.worker.replay;

import dev.looplab.events.MetricPoint;
import dev.looplab.events.TrialEvent;
import dev.looplab.worker.run.TrialEvents;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A replay's events as lines on the console, with the seconds since it began: what the worker would send the
 * platform, so a long training never looks like a hang (a training line at most every 10 s).
 */
final class ConsoleEvents implements TrialEvents {
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final PrintStream out;
    private final int steps;
    private final long began = System.nanoTime();
    private long lastProgress = Long.MIN_VALUE;
    private long lastStep = -1;

    /** Prints to {@code out}; {@code steps} is the step count the replay trains (0 when unknown). */
    ConsoleEvents(PrintStream out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    @Override
    public synchronized void send(TrialEvent event) {
        switch (event.type()) {
            case STARTED, EVALUATING -> say(event.type().name().toLowerCase(Locale.ROOT) + ": " + event.message());
            case METRICS -> {
                long step = event.points().stream().mapToLong(MetricPoint::step).max().orElse(-1);
                long now = System.nanoTime();
                if (step > lastStep && (lastProgress == Long.MIN_VALUE || now - lastProgress >= PROGRESS_EVERY_NANOS)) {
                    say(steps > 0 ? String.format(Locale.ROOT, "training: step %d of %d", step, steps)
                            : "training: step " + step);
                    lastProgress = now;
                }
                lastStep = Math.max(lastStep, step);
            }
            default -> {
                // FINISHED is judged and printed by the replay itself; heartbeats have no meaning here
            }
        }
    }

    @Override
    public void sendAndAwait(TrialEvent event, Duration timeout) {
        send(event);
    }

    void say(String line) {
        out.printf(Locale.ROOT, "[%4ds] %s%n", Duration.ofNanos(System.nanoTime() - began).toSeconds(), line);
    }
}
