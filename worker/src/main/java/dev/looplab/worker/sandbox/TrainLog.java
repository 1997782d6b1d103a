package dev.looplab.worker.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Pulls the lines that explain a failed training run out of its log, for the trial's feedback. */
public final class TrainLog {
    private static final int MAX_CHARS = 1500;
    private static final int TAIL_BYTES = 64 * 1024;
    /** 128 + SIGXFSZ: how a shell or bwrap reports a child killed for writing past RLIMIT_FSIZE. */
    private static final int SIGXFSZ_EXIT = 128 + 25;
    private static final List<String> OUT_OF_MEMORY = List.of("memoryerror", "outofmemoryerror",
            "cannot allocate memory", "insufficient memory", "std::bad_alloc", "out of memory");
    private static final List<String> NO_NETWORK = List.of("network is unreachable", "connection refused",
            "temporary failure in name resolution", "unknownhostexception", "name or service not known",
            "nodename nor servname");

    private TrainLog() {
    }

    /**
     * The first error lines (compiler errors, exceptions) or, when there are none, the last lines of
     * {@code log}, at most about 1500 characters; empty when the log is missing or empty.
     */
    public static String summary(Path log) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(log)) {
                return "";
            }
            // malformed bytes must not hide the explanation, so decode leniently
            lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return "";
        }
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String lower = lines.get(i).toLowerCase(Locale.ROOT);
            if (lower.contains("error") || lower.contains("exception")) {
                picked.add(lines.get(i).strip());
                // a javac error's next line shows the offending source
                if (i + 1 < lines.size() && !lines.get(i + 1).isBlank()) {
                    picked.add(lines.get(i + 1).strip());
                }
            }
            if (String.join("\n", picked).length() > MAX_CHARS) {
                break;
            }
        }
        if (picked.isEmpty()) {
            picked = lines.subList(Math.max(0, lines.size() - 10), lines.size());
        }
        String text = String.join("\n", picked.stream().distinct().toList());
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + " ..." : text;
    }

    /**
     * The sandbox limit a training run that exited with {@code exitCode} ran into, judged from its log,
     * in words with the fix; empty when its failure looks like its own.
     */
    public static String limitReached(Path log, int exitCode, SandboxLimits limits) {
        String text = tail(log).toLowerCase(Locale.ROOT);
        if (exitCode == SIGXFSZ_EXIT || text.contains("file too large") || text.contains("file size limit")) {
            return "file size limit reached: the recipe wrote a file larger than "
                    + (limits.limitsFileSize() ? limits.fileSizeMiB() + " MiB" : "the system allows")
                    + "; write smaller outputs (looplab.worker.file-size-mib raises the limit)";
        }
        if (text.contains("no space left on device")) {
            return "no space left: the sandbox's /tmp and /dev/shm hold at most "
                    + (limits.limitsMemory() ? limits.memoryMiB() + " MiB" : "what the machine has")
                    + "; write large files to LOOPLAB_OUT instead";
        }
        if (OUT_OF_MEMORY.stream().anyMatch(text::contains)) {
            return "out of memory (limit " + (limits.limitsMemory() ? limits.memoryMiB() + " MiB" : "of the machine")
                    + "): an allocation failed; use a smaller model or batch (looplab.worker.memory-mib raises the limit)";
        }
        if (NO_NETWORK.stream().anyMatch(text::contains)) {
            return "no network: trials run without network access, so the recipe cannot download or connect "
                    + "anywhere; read only LOOPLAB_DATA and files in the recipe";
        }
        return "";
    }

    private static String tail(Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return "";
            }
            long size = Files.size(log);
            try (var channel = Files.newByteChannel(log)) {
                channel.position(Math.max(0, size - TAIL_BYTES));
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size, TAIL_BYTES));
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    // read the tail fully
                }
                return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        }
    }
}
