package dev.looplab.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reading the end of a process's log: its last lines for a crash report, its last ERROR or WARN line. */
final class Logs {
    // enough for dozens of lines, even with a stack trace in them; a log may be gigabytes
    private static final int TAIL_BYTES = 256 * 1024;
    // Quarkus' console format: "2025-01-31 12:00:00,123 ERROR [category] (thread) message"
    private static final Pattern PROBLEM = Pattern.compile("^\\S+ \\S+\\s+(ERROR|WARN)\\s+\\[");

    private Logs() {
    }

    /** The last {@code lines} lines of {@code log}; empty when it does not exist yet. */
    static List<String> tail(Path log, int lines) {
        List<String> all = lastLines(log);
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The last line of {@code log} that logs an ERROR or a WARN. */
    static Optional<String> lastProblem(Path log) {
        List<String> all = lastLines(log);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (PROBLEM.matcher(all.get(i)).find()) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    private static List<String> lastLines(Path log) {
        if (!Files.isRegularFile(log)) {
            return List.of();
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            if (bytes.length == 0) {
                return List.of();
            }
            List<String> lines = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n")));
            if (from > 0 && !lines.isEmpty()) {
                lines.remove(0); // cut in the middle
            }
            return lines;
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }
}
