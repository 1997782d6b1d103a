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
}
