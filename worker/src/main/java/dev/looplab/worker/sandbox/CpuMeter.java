package dev.looplab.worker.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU seconds (user + system) used so far by one training process tree: the cgroup's own accounting where
 * the trial has a cgroup v2 ({@code cpu.stat usage_usec}, exact, counts exited processes too), else the
 * tree's {@code /proc/<pid>/stat} times. Other processes on the machine are never counted, so a CPU budget
 * buys the same work on a busy machine as on a quiet one.
 */
public interface CpuMeter {

    /** CPU seconds of the tree since it started; never decreases. */
    double seconds();

    /** Where the reading comes from, for the trial's feedback and fingerprint. */
    String source();

    /** {@code clock ticks per second} of /proc times: USER_HZ is 100 on every Linux architecture Looplab runs on. */
    double CLOCK_TICKS = 100.0;

    /** A meter of the cgroup whose {@code cpu.stat} is {@code cpuStat}. */
    static CpuMeter ofCgroup(Path cpuStat) {
        return new CpuMeter() {
            private double last;

            @Override
            public synchronized double seconds() {
                try {
                    OptionalDouble usage = usageSeconds(Files.readString(cpuStat, StandardCharsets.US_ASCII));
                    if (usage.isPresent()) {
                        last = Math.max(last, usage.getAsDouble());
                    }
                } catch (IOException | RuntimeException e) {
                    // the cgroup is being removed: the last reading stands
                }
                return last;
            }

            @Override
            public String source() {
                return "cgroup " + cpuStat.getParent().getFileName() + " cpu.stat";
            }
        };
    }

    /**
     * A meter of {@code root} and its descendants from /proc: each live process's own times plus those of
     * the children it has reaped ({@code cutime}, {@code cstime}). A process that exits is still counted
     * through its parent once reaped; the reading keeps its highest value, so a process that ends between
     * two readings does not make it fall back.
     */
    static CpuMeter ofProcessTree(ProcessHandle root) {
        return ofProcesses(() -> Stream.concat(Stream.of(root), root.descendants()), CpuMeter::procStat);
    }

    /** A meter of the processes {@code tree} lists, each read by {@code stat} ({@code /proc/<pid>/stat} text). */
    static CpuMeter ofProcesses(Supplier<Stream<ProcessHandle>> tree, java.util.function.LongFunction<String> stat) {
        return new CpuMeter() {
            private double last;

            @Override
            public synchronized double seconds() {
                double sum = tree.get().mapToDouble(p -> {
                    String text = stat.apply(p.pid());
                    return text == null ? 0 : treeSecondsOf(text);
                }).sum();
                last = Math.max(last, sum);
                return last;
            }

            @Override
            public String source() {
                return "/proc of the process tree";
            }
        };
    }

    /** {@code usage_usec} of a cgroup v2 {@code cpu.stat}, in seconds; empty when absent. */
    static OptionalDouble usageSeconds(String cpuStat) {
        for (String line : cpuStat.split("\n")) {
            if (line.startsWith("usage_usec ")) {
                return OptionalDouble.of(Long.parseLong(line.substring("usage_usec ".length()).strip()) / 1e6);
            }
        }
        return OptionalDouble.empty();
    }

    /**
     * utime + stime + cutime + cstime of one {@code /proc/<pid>/stat} line, in seconds. The command name may
     * hold spaces and parentheses, so fields are counted after its last ')'.
     */
    static double treeSecondsOf(String procStat) {
        String[] f = procStat.substring(procStat.lastIndexOf(')') + 2).strip().split(" ");
        // after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return ticks / CLOCK_TICKS;
    }

    private static String procStat(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading: its parent counts it once reaped
            return null;
        }
    }
}
