package dev.looplab.launcher;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code $LOOPLAB_HOME/run/stack.json}: where each part of a running Looplab is and how it fares. {@code looplab up}
 * rewrites it on every change; {@code looplab status} reads it. No secrets: endpoints only.
 *
 * @param launcherPid the {@code looplab up} process; when it is gone, the file describes a stack that stopped or died
 */
record StackFile(int schema, long launcherPid, RunState state, Instant startedAt, Instant updatedAt, String home,
                 String platformUrl, String campaign, String task, List<ServiceEntry> services, List<AppEntry> apps) {

    static final int SCHEMA = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** The launcher's own state. */
    enum RunState { starting, up, stopping, stopped }

    /** A supervised process's state; {@code crashLooping} is told apart in {@link Supervision}. */
    enum UnitState { starting, up, down, stopped }

    /** Kafka, PostgreSQL or S3: embedded (ours to restart, with pid and log) or external (an endpoint only). */
    record ServiceEntry(String name, boolean embedded, String endpoint, Long pid, String log, Supervision supervision) {
    }

    /** The platform, a worker or the proposer agents, with the HTTP port it serves health and metrics on. */
    record AppEntry(String name, Long pid, int port, String url, String log, Supervision supervision) {
    }

    /** How the supervisor sees a process: its state, whether it crash-loops, how often it was restarted. */
    record Supervision(UnitState state, boolean crashLooping, int restarts, Crash lastCrash) {
    }

    /** The last crash: when, why, and the last lines of the process's log at that moment. */
    record Crash(Instant at, String cause, List<String> logTail) {
    }

    static Path at(Path home) {
        return home.resolve("run").resolve("stack.json");
    }

    /** Writes the file atomically, so a reader never sees half of it. */
    void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(temp.toFile(), this);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": check that LOOPLAB_HOME is writable", e);
        }
    }

    /** The file's content, or empty when there is none (Looplab never ran with this home). */
    static Optional<StackFile> read(Path file) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), StackFile.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + " (" + e.getMessage()
                    + "); delete it, the next ./looplab up writes it again", e);
        }
    }

    /** True while the {@code looplab up} that wrote this file runs (a JVM under that pid; a reused pid is not it). */
    boolean launcherRuns() {
        return ProcessHandle.of(launcherPid).filter(ProcessHandle::isAlive)
                .map(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(true)).orElse(false);
    }

    /** True when {@code pid} runs and started after the launcher did: an older process under that pid is not ours. */
    boolean runs(Long pid) {
        Instant earliest = startedAt.minusSeconds(2); // start times are read in clock ticks
        return pid != null && ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(p -> p.info().startInstant().map(at -> !at.isBefore(earliest)).orElse(true)).orElse(false);
    }
}
