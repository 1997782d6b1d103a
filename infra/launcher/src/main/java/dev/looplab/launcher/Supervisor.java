package dev.looplab.launcher;

import dev.looplab.launcher.StackFile.Crash;
import dev.looplab.launcher.StackFile.Supervision;
import dev.looplab.launcher.StackFile.UnitState;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the processes of a stack running: a process that dies is started again after the {@link RestartPolicy}'s
 * backoff while the others keep running; a crash loop is logged with the last lines of the process's log and
 * retried at the longest backoff. Each restart runs on its own thread, so a slow one (a Kafka broker recovering its
 * logs) delays no other.
 */
final class Supervisor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Supervisor.class);
    private static final int CRASH_LOG_LINES = 20;

    /** A process the supervisor keeps running: an app, or an embedded service. */
    interface Supervised {
        String name();

        boolean isRunning();

        /** The running process's id, or -1. */
        long pid();

        Path log();

        /** Why the process ended, e.g. "exited with code 137". */
        String exitCause();

        /** Starts it again; blocks until it runs (a service: until it answers). */
        void restart();
    }

    private final RestartPolicy policy;
    private final Runnable onChange;
    private final Map<String, Unit> units = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "looplab-supervisor"));
    private final ExecutorService restarts = Executors.newCachedThreadPool(r -> thread(r, "looplab-restart"));
    private boolean closed;

    /** {@code onChange} runs after every change of a process's state, e.g. to rewrite stack.json. */
    Supervisor(List<? extends Supervised> supervised, RestartPolicy policy, Runnable onChange) {
        this.policy = policy;
        this.onChange = onChange;
        Instant now = Instant.now();
        for (Supervised s : supervised) {
            units.put(s.name(), new Unit(s, now));
        }
    }

    /** Starts watching, every {@code interval}. */
    Supervisor watchEvery(Duration interval) {
        ticker.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** How the supervisor sees {@code name} now. */
    synchronized Supervision supervision(String name) {
        Unit unit = units.get(name);
        if (unit == null) {
            throw new IllegalArgumentException("no supervised process named " + name + "; known: " + units.keySet());
        }
        return unit.snapshot();
    }

    private void check() {
        boolean changed = false;
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                Instant now = Instant.now();
                for (Unit unit : units.values()) {
                    changed |= check(unit, now);
                }
            }
        } catch (RuntimeException e) {
            // a failing check must not end the ticker, which would end supervision silently
            LOG.errorf(e, "Supervisor check failed; checking again");
        }
        if (changed) {
            changed();
        }
    }

    private void changed() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record a change of state");
        }
    }

    // under the lock
    private boolean check(Unit unit, Instant now) {
        switch (unit.state) {
            case up -> {
                if (!unit.process.isRunning()) {
                    crashed(unit, now, unit.process.exitCause());
                    return true;
                }
                if (Duration.between(unit.startedAt, now).compareTo(policy.loopWindow()) >= 0) {
                    unit.crashesInARow = 0;
                }
                if (unit.crashLooping && !policy.isLooping(unit.crashes, now)) {
                    unit.crashLooping = false;
                    LOG.infof("%s no longer crash-loops: fewer than %d crashes within %s", unit.process.name(),
                            policy.loopCrashes(), human(policy.loopWindow()));
                    return true;
                }
                return false;
            }
            case down -> {
                if (now.isBefore(unit.restartAt)) {
                    return false;
                }
                unit.state = UnitState.starting;
                unit.restarts++;
                restarts.execute(() -> restart(unit));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void restart(Unit unit) {
        String name = unit.process.name();
        try {
            LOG.infof("Restarting %s (restart %d)", name, unit.restarts);
            unit.process.restart();
            synchronized (this) {
                if (closed) {
                    return;
                }
                unit.state = UnitState.up;
                unit.startedAt = Instant.now();
            }
            LOG.infof("%s started again (pid %d)", name, unit.process.pid());
        } catch (RuntimeException e) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                // the first line: a service's message goes on with its log tail, which the crash keeps anyway
                String message = String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("");
                crashed(unit, Instant.now(), "restart failed: " + message);
            }
        }
        changed();
    }

    // under the lock
    private void crashed(Unit unit, Instant now, String cause) {
        String name = unit.process.name();
        unit.crashes.addLast(now);
        while (unit.crashes.size() > policy.loopCrashes()) {
            unit.crashes.removeFirst();
        }
        unit.crashesInARow++;
        boolean looping = policy.isLooping(unit.crashes, now);
        Duration delay = policy.delay(unit.crashesInARow, looping);
        List<String> tail = Logs.tail(unit.process.log(), CRASH_LOG_LINES);
        unit.lastCrash = new Crash(now, cause, tail);
        unit.state = UnitState.down;
        unit.restartAt = now.plus(delay);
        if (looping && !unit.crashLooping) {
            LOG.errorf("%s is crash-looping: %d crashes within %s, the last: %s; retrying every %s. Last lines of %s:%n%s",
                    name, policy.loopCrashes(), human(policy.loopWindow()), cause, human(delay), unit.process.log(),
                    String.join(System.lineSeparator(), tail));
        } else {
            LOG.warnf("%s %s; restarting it in %s (log: %s)", name, cause, human(delay), unit.process.log());
        }
        unit.crashLooping = looping;
    }

    /** Stops supervising: no restart starts after this, and one in progress is interrupted and awaited. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            units.values().forEach(u -> u.state = UnitState.stopped);
        }
        ticker.shutdownNow();
        restarts.shutdownNow();
        try {
            if (!restarts.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("A restart still runs after 60 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "exited with code 137 (SIGKILL)", or "stopped unexpectedly" when the exit status is unknown. */
    static String exitCause(OptionalInt exitCode) {
        if (exitCode.isEmpty()) {
            return "stopped unexpectedly";
        }
        int code = exitCode.getAsInt();
        // a process killed by signal n exits with 128 + n
        String signal = code == 137 ? " (SIGKILL)" : code == 143 ? " (SIGTERM)" : code == 134 ? " (SIGABRT)" : "";
        return "exited with code " + code + signal;
    }

    /** "200 ms", "4 s", "2 min": for people, not ISO-8601. */
    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        return d.toSeconds() % 60 == 0 && d.toSeconds() >= 60 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** What the supervisor knows of one process; guarded by the supervisor's lock. */
    private static final class Unit {
        final Supervised process;
        final Deque<Instant> crashes = new ArrayDeque<>();
        UnitState state = UnitState.up;
        Instant startedAt;
        Instant restartAt;
        int crashesInARow;
        int restarts;
        boolean crashLooping;
        Crash lastCrash;

        Unit(Supervised process, Instant startedAt) {
            this.process = process;
            this.startedAt = startedAt;
        }

        Supervision snapshot() {
            return new Supervision(state, crashLooping, restarts, lastCrash);
        }
    }
}
