package dev.looplab.evaluation.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One setting of a task's data, {@code looplab.tasks.<task>.<key>} (environment
 * {@code LOOPLAB_TASKS_<TASK>_<KEY>}), with its configured {@code value} (empty when unset) and what it must
 * hold, so a missing or wrong one fails with a message that names the setting and the fix.
 */
public record TaskDataSetting(String task, String key, Optional<String> value, String holds) {

    public TaskDataSetting {
        value = value == null ? Optional.empty() : value.filter(v -> !v.isBlank()).map(String::strip);
    }

    /** {@code looplab.tasks.<task>.<key>}. */
    public String name() {
        return name(task, key);
    }

    /** The property name of a task's data setting. */
    public static String name(String task, String key) {
        return "looplab.tasks." + task + "." + key;
    }

    /** The environment variable that sets it, e.g. {@code LOOPLAB_TASKS_PARAMETER_GOLF_DATA}. */
    public String environmentName() {
        return name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The folder it names, which must exist. */
    public Path folder() {
        Path path = Path.of(required());
        if (!Files.isDirectory(path)) {
            throw missing(path + " is not a folder");
        }
        return path.toAbsolutePath().normalize();
    }

    /** The file it names, which must exist; when unset, the only {@code *<suffix>} file in {@code folder}. */
    public Path fileOr(Path folder, String suffix) {
        if (value.isPresent()) {
            Path path = Path.of(value.get());
            if (!Files.isRegularFile(path)) {
                throw missing(path + " is not a file");
            }
            return path.toAbsolutePath().normalize();
        }
        List<Path> found;
        try (Stream<Path> files = Files.list(folder)) {
            found = files.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        if (found.size() != 1) {
            throw missing("it is unset and " + folder + " holds " + (found.isEmpty() ? "no" : found.size()) + " *"
                    + suffix + " files");
        }
        return found.get(0).toAbsolutePath().normalize();
    }

    /** The whole number it holds, or {@code fallback} when unset. */
    public long number(long fallback) {
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get().replace("_", ""));
        } catch (NumberFormatException e) {
            throw missing("'" + value.get() + "' is not a whole number");
        }
    }

    private String required() {
        return value.orElseThrow(() -> missing("it is not set"));
    }

    private MissingTaskDataException missing(String why) {
        return new MissingTaskDataException("task " + task + " needs " + name() + " (" + why + "): set it, or the "
                + "environment variable " + environmentName() + ", to " + holds);
    }

    /** A task's data is not configured, or not where its setting says; the message names the setting and the fix. */
    public static final class MissingTaskDataException extends IllegalStateException {
        MissingTaskDataException(String message) {
            super(message);
        }
    }
}
