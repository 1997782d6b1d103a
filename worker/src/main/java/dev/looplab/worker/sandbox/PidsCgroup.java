package dev.looplab.worker.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A pids cgroup of its own for one training tree: the kernel refuses forks past {@code pids.max}, which
 * is the only hard process limit when trials run as root (RLIMIT_NPROC exempts root). Used where the
 * worker may create cgroups (cgroup v1 {@code pids} hierarchy, or a delegated cgroup v2 subtree).
 */
final class PidsCgroup implements AutoCloseable {
    private static final Path V1_ROOT = Path.of("/sys/fs/cgroup/pids");
    private static final Path V2_ROOT = Path.of("/sys/fs/cgroup");

    private final Path dir;

    private PidsCgroup(Path dir) {
        this.dir = dir;
    }

    /** A new cgroup capped at {@code max} tasks, or empty where this worker cannot create one. */
    static Optional<PidsCgroup> create(int max) {
        for (Path parent : candidates()) {
            Path dir = parent.resolve("looplab-trial-" + UUID.randomUUID());
            try {
                Files.createDirectory(dir);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            try {
                Files.writeString(dir.resolve("pids.max"), Integer.toString(max), StandardCharsets.US_ASCII);
                return Optional.of(new PidsCgroup(dir));
            } catch (IOException | RuntimeException e) {
                removeQuietly(dir);
            }
        }
        return Optional.empty();
    }

    /** The worker's own place in the v1 pids hierarchy, then in the v2 unified one. */
    private static List<Path> candidates() {
        List<Path> parents = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                String relative = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
                if (List.of(parts[1].split(",")).contains("pids") && Files.isDirectory(V1_ROOT)) {
                    parents.add(V1_ROOT.resolve(relative));
                } else if (parts[0].equals("0") && parts[1].isEmpty()
                        && Files.isRegularFile(V2_ROOT.resolve("cgroup.controllers"))) {
                    parents.add(V2_ROOT.resolve(relative));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroups to use: the caller falls back to watching the process tree
        }
        return parents;
    }

    /** {@code argv} started inside this cgroup: a shell joins it, then becomes the command. */
    List<String> enter(List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                "echo $$ > \"$0\" && exec \"$@\"", dir.resolve("cgroup.procs").toString()));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Whether a fork or thread was refused for being past {@code pids.max}. */
    boolean limitHit() {
        try {
            for (String line : Files.readAllLines(dir.resolve("pids.events"))) {
                if (line.startsWith("max ") && Long.parseLong(line.substring(4).strip()) > 0) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** The cgroup's own CPU accounting where it has one (cgroup v2 keeps {@code cpu.stat} in every cgroup). */
    Optional<CpuMeter> cpuMeter() {
        Path stat = dir.resolve("cpu.stat");
        try {
            if (Files.isRegularFile(stat)
                    && CpuMeter.usageSeconds(Files.readString(stat, StandardCharsets.US_ASCII)).isPresent()) {
                return Optional.of(CpuMeter.ofCgroup(stat));
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: the caller reads the process tree instead
        }
        return Optional.empty();
    }

    /** Kills whatever still runs in the cgroup and removes it. */
    @Override
    public void close() {
        for (int round = 0; round < 50; round++) {
            List<Long> pids = pids();
            if (pids.isEmpty()) {
                break;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        removeQuietly(dir);
    }

    private List<Long> pids() {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).stream().filter(s -> !s.isBlank())
                    .map(s -> Long.parseLong(s.strip())).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static void removeQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a cgroup still holding a dying task cannot be removed yet; it is empty and harmless
        }
    }
}
