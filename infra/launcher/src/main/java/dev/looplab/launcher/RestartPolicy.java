package dev.looplab.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * When the supervisor starts a crashed process again: after {@code firstDelay}, doubling with each crash in a row
 * up to {@code maxDelay}; {@code loopCrashes} crashes within {@code loopWindow} are a crash loop, retried at
 * {@code maxDelay}. A process that stays up for {@code loopWindow} starts again from {@code firstDelay}.
 */
record RestartPolicy(Duration firstDelay, Duration maxDelay, int loopCrashes, Duration loopWindow) {

    /** 1 s doubling to 30 s; 5 crashes within 2 minutes are a loop (issue 11). */
    static final RestartPolicy DEFAULT = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 5,
            Duration.ofMinutes(2));

    RestartPolicy {
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || loopCrashes < 1 || loopWindow.isNegative()) {
            throw new IllegalArgumentException("restart policy needs 0 <= firstDelay <= maxDelay, loopCrashes >= 1"
                    + " and a positive loopWindow, got " + firstDelay + ", " + maxDelay + ", " + loopCrashes + ", "
                    + loopWindow);
        }
    }

    /** The wait before the restart that follows crash number {@code crashesInARow} (1 for the first). */
    Duration delay(int crashesInARow, boolean crashLooping) {
        if (crashLooping) {
            return maxDelay;
        }
        int doublings = Math.max(0, Math.min(crashesInARow - 1, 30));
        long millis = firstDelay.toMillis() * (1L << doublings);
        return millis >= maxDelay.toMillis() || millis < 0 ? maxDelay : Duration.ofMillis(millis);
    }

    /** True when at least {@code loopCrashes} of {@code crashes} happened within {@code loopWindow} before {@code now}. */
    boolean isLooping(Collection<Instant> crashes, Instant now) {
        Instant since = now.minus(loopWindow);
        return crashes.stream().filter(at -> at.isAfter(since)).count() >= loopCrashes;
    }
}
