package dev.looplab.worker.sandbox;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuMeterTest {

    /** A /proc/<pid>/stat line with the given utime, stime, cutime and cstime ticks. */
    private static String stat(long pid, String name, long utime, long stime, long cutime, long cstime) {
        return pid + " (" + name + ") S 1 " + pid + " " + pid + " 0 -1 4194304 100 0 0 0 " + utime + " " + stime + " "
                + cutime + " " + cstime + " 20 0 1 0 12345 1000000 100 18446744073709551615";
    }

    @Test
    void readsUserSystemAndReapedChildrenTimesEvenWhenTheNameHasSpacesAndParentheses() {
        // given a stat line of a process named "java (main) x": 150 + 50 own ticks, 30 + 20 of reaped children
        String line = stat(42, "java (main) x", 150, 50, 30, 20);
        // when read, then it is 250 ticks of 1/100 s
        assertThat(CpuMeter.treeSecondsOf(line)).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void readsTheCgroupsUsage() {
        assertThat(CpuMeter.usageSeconds("usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n"))
                .hasValue(2.5);
        assertThat(CpuMeter.usageSeconds("nr_periods 0\n")).isEmpty();
    }

    @Test
    void sumsTheTreeAndNeverFallsBackWhenAProcessEndsBetweenReadings() {
        // given a tree of a leader and one child, whose /proc entries the test controls
        ProcessHandle leader = ProcessHandle.current();
        ProcessHandle child = leader.parent().orElseThrow();
        Map<Long, String> proc = new HashMap<>();
        proc.put(leader.pid(), stat(leader.pid(), "leader", 100, 0, 0, 0));
        proc.put(child.pid(), stat(child.pid(), "child", 300, 100, 0, 0));
        List<ProcessHandle> tree = new java.util.ArrayList<>(List.of(leader, child));
        CpuMeter meter = CpuMeter.ofProcesses(() -> tree.stream(), proc::get);

        // when read, then both count: 1 s + 4 s
        assertThat(meter.seconds()).isCloseTo(5.0, within(1e-9));

        // when the child has exited and is not reaped yet (gone from the listing, not yet in the leader's cutime)
        tree.remove(child);
        // then the reading holds at its highest value
        assertThat(meter.seconds()).isCloseTo(5.0, within(1e-9));

        // when the leader reaps it, then its time is counted once, through the leader
        proc.put(leader.pid(), stat(leader.pid(), "leader", 120, 0, 300, 100));
        assertThat(meter.seconds()).isCloseTo(5.2, within(1e-9));
    }

    @Test
    void otherProcessesBurningCpuAreNotCounted() throws Exception {
        // given a trial tree that only waits, and beside it a process that burns CPU on every core
        int cores = Runtime.getRuntime().availableProcessors();
        List<Process> hogs = Stream.generate(() -> start("while :; do :; done")).limit(cores).toList();
        Process trial = start("sleep 60");
        try {
            CpuMeter meter = CpuMeter.ofProcessTree(trial.toHandle());
            // when the hogs have used well over a CPU-second of their own
            long hogMillis;
            do {
                // polling the hogs' own accounting: waiting on a condition, not on a guessed duration
                TimeUnit.MILLISECONDS.sleep(100);
                hogMillis = hogs.stream().mapToLong(h -> h.toHandle().info().totalCpuDuration()
                        .map(java.time.Duration::toMillis).orElse(0L)).sum();
            } while (hogMillis < 1500 && trial.isAlive());
            // then the trial's meter counts only its own (near nothing): a CPU budget does not shrink under load
            assertThat(hogMillis).isGreaterThanOrEqualTo(1500);
            assertThat(meter.seconds()).isLessThan(0.2);
        } finally {
            hogs.forEach(Process::destroyForcibly);
            trial.destroyForcibly();
        }
    }

    private static Process start(String script) {
        try {
            return new ProcessBuilder("sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
