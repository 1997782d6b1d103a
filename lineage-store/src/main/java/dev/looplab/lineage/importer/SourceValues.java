package dev.looplab.lineage.importer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lenient readings of what research tools write: numbers, times and recipe folders. */
final class SourceValues {

    /** Files above this are checkpoints or logs, not recipe code; they stay out of the lineage. */
    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    private static final Set<String> NO_VALUE = Set.of("", "-", "nan", "na", "n/a", "none", "null");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?");
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "__pycache__", ".venv", "node_modules");

    private SourceValues() {
    }

    /** The number, or null for an empty cell, "-", "nan" and the like. */
    static Double number(String text) throws NumberFormatException {
        if (text == null || NO_VALUE.contains(text.strip().toLowerCase(Locale.ROOT))) {
            return null;
        }
        double value = Double.parseDouble(text.strip());
        return Double.isFinite(value) ? value : null;
    }

    /** The number, or the text itself when it is not one; null for an empty cell. */
    static Object numberOrText(String text) {
        try {
            Double value = number(text);
            return value != null || text.isBlank() ? value : text;
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /**
     * A number written as free text, as ARR's expected_delta is ({@code -0.002}, {@code minus_0.0003},
     * {@code negative_0.0004}, {@code "-0.001"}, {@code ~-0.002 bpb}); null when the text holds no single number.
     */
    static Double looseNumber(String text) {
        if (text == null) {
            return null;
        }
        String value = text.strip().replaceAll("^[\"'`]+|[\"'`]+$", "").strip().toLowerCase(Locale.ROOT);
        value = value.replaceFirst("^(minus|negative|neg|down)[_ ]*", "-").replaceFirst("^(plus|positive|pos|up)[_ ]*", "+");
        try {
            return number(value);
        } catch (NumberFormatException notPlain) {
            Matcher m = NUMBER.matcher(value);
            if (!m.find()) {
                return null;
            }
            String found = m.group();
            if (m.find()) {
                return null;
            }
            try {
                double number = Double.parseDouble(found);
                return Double.isFinite(number) ? number : null;
            } catch (NumberFormatException none) {
                return null;
            }
        }
    }

    /** True when the bytes look binary (a NUL byte in the first 8,000), as git decides it. */
    static boolean binary(byte[] bytes) {
        int end = Math.min(bytes.length, 8000);
        for (int i = 0; i < end; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** ISO-8601 with or without offset (UTC assumed), a space instead of 'T', or epoch seconds or milliseconds. */
    static Instant time(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        if (value.matches("\\d{9,13}(\\.\\d+)?")) {
            double number = Double.parseDouble(value);
            return number > 1e11 ? Instant.ofEpochMilli((long) number) : Instant.ofEpochSecond((long) number);
        }
        String iso = value.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                return null;
            }
        }
    }

    /**
     * Every regular file under {@code folder} (links and tool folders such as .git and __pycache__ left out), path
     * to bytes; files over {@link #MAX_FILE_BYTES} are left out and named in {@code warnings}.
     */
    static Map<String, byte[]> files(Path folder, String what, List<String> warnings) {
        Map<String, byte[]> files = new TreeMap<>();
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    boolean skip = !dir.equals(folder) && SKIPPED_FOLDERS.contains(dir.getFileName().toString());
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    String path = folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    if (attrs.size() > MAX_FILE_BYTES) {
                        warnings.add(what + ": left out " + path + " (" + attrs.size() + " bytes, over "
                                + MAX_FILE_BYTES + "; a lineage keeps recipe code, not checkpoints)");
                        return FileVisitResult.CONTINUE;
                    }
                    byte[] bytes = Files.readAllBytes(file);
                    if (binary(bytes)) {
                        warnings.add(what + ": left out binary file " + path + " (a lineage keeps recipe code)");
                        return FileVisitResult.CONTINUE;
                    }
                    files.put(path, bytes);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ImportException("cannot read " + what + " at " + folder + ": " + e.getMessage()
                    + "; check its permissions", e);
        }
        return files;
    }
}
