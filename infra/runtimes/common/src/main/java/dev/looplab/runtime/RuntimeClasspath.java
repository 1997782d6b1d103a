package dev.looplab.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The jars a runtime carrier's child JVM runs with, read from the resource that
 * maven-dependency-plugin's {@code build-classpath} goal wrote into the carrier's jar, each checked to exist.
 */
public final class RuntimeClasspath {

    /** Separator of the recorded entries and of {@code java -cp}. */
    public static final String SEPARATOR = ":";

    private final Class<?> carrier;
    private final String resource;
    private final String runtime;
    private final String module;

    /**
     * @param carrier  a class of the carrier module; its class loader holds the resource
     * @param resource the recorded classpath, e.g. {@code looplab/runtime/kafka.classpath}
     * @param runtime  what the jars run, for messages, e.g. {@code Kafka}
     * @param module   the carrier's folder, named in the fix, e.g. {@code infra/runtimes/kafka}
     */
    public RuntimeClasspath(Class<?> carrier, String resource, String runtime, String module) {
        this.carrier = Objects.requireNonNull(carrier, "carrier");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.module = Objects.requireNonNull(module, "module");
    }

    /**
     * Returns the recorded jars in order.
     *
     * @throws IllegalStateException when the resource is missing or empty, or names jars that are gone
     */
    public List<Path> jars() {
        List<Path> jars = Arrays.stream(readText(resource).trim().split(SEPARATOR))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
        if (jars.isEmpty()) {
            throw new IllegalStateException(resource + " lists no jars: " + fix());
        }
        List<Path> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(runtime + " runtime jars are missing from the local Maven repository: "
                    + missing.stream().limit(3).map(Path::toString).collect(Collectors.joining(", "))
                    + (missing.size() > 3 ? " and " + (missing.size() - 3) + " more" : "")
                    + ": " + fix() + " to resolve them");
        }
        return jars;
    }

    /** Returns {@link #jars()} joined for {@code java -cp}. */
    public String jarsString() {
        return join(jars().stream().map(Path::toString).toList());
    }

    /**
     * Returns the classpath of a child JVM whose main class is one of the carrier's launchers: the
     * carrier's own jar (the launcher), this module's jar (the launchers use {@link ParentWatch}),
     * then {@link #jars()}.
     */
    public String launcherClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(location(carrier).toString());
        entries.add(location(RuntimeClasspath.class).toString());
        jars().forEach(jar -> entries.add(jar.toString()));
        return join(List.copyOf(entries));
    }

    /**
     * Returns a UTF-8 text resource of the carrier.
     *
     * @throws IllegalStateException when the carrier's jar lacks it
     */
    public String readText(String name) {
        try (InputStream in = carrier.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + name + " not found on the classpath: " + fix());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name, e);
        }
    }

    private String fix() {
        // -am: the carrier needs this module built and installed too
        return "run ./mvnw install -pl " + module + " -am";
    }

    private static String join(List<String> entries) {
        return String.join(SEPARATOR, entries);
    }

    private static Path location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("Cannot locate the jar of " + type.getName());
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the jar of " + type.getName(), e);
        }
    }
}
