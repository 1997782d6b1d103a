package dev.looplab.runtime.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The classpath of an Apache Kafka 4.4 KRaft broker, resolved by Maven at build time, for a
 * child JVM that runs {@code kafka.Kafka}.
 */
public final class KafkaRuntime {

    /** Classpath resource written by maven-dependency-plugin's build-classpath goal. */
    public static final String CLASSPATH_RESOURCE = "looplab/runtime/kafka.classpath";

    /** Main class of the broker. */
    public static final String MAIN_CLASS = "kafka.Kafka";

    private KafkaRuntime() {
    }

    /** Main class of the child JVM: {@link KafkaLauncher} wraps the server's own main. */
    public static final String LAUNCHER_CLASS = "dev.looplab.runtime.kafka.KafkaLauncher";

    /**
     * Returns the child JVM's classpath (this module's jar, then the broker's jars) joined by ':'
     * after checking every jar exists.
     *
     * @throws IllegalStateException when the resource or one of its jars is missing
     */
    public static String classpathString() {
        List<String> entries = new java.util.ArrayList<>();
        // this module's own jar (or classes dir) carries the launcher
        entries.add(ownLocation().toString());
        classpath().forEach(p -> entries.add(p.toString()));
        return String.join(":", entries);
    }

    /** Returns the broker classpath entries, each checked to exist. */
    public static List<Path> classpath() {
        String text = readResource();
        List<Path> jars = Arrays.stream(text.trim().split(":"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
        if (jars.isEmpty()) {
            throw new IllegalStateException(CLASSPATH_RESOURCE + " is empty: run ./mvnw install -pl infra/runtimes/kafka");
        }
        List<Path> missing = jars.stream().filter(p -> !Files.isRegularFile(p)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Kafka runtime jars are missing from the local Maven repository: "
                    + missing.stream().limit(3).map(Path::toString).collect(Collectors.joining(", "))
                    + (missing.size() > 3 ? " and " + (missing.size() - 3) + " more" : "")
                    + ": run ./mvnw install -pl infra/runtimes/kafka to resolve them");
        }
        return jars;
    }

    private static Path ownLocation() {
        try {
            return Path.of(KafkaRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Cannot locate the jar of " + KafkaRuntime.class.getName(), e);
        }
    }

    private static String readResource() {
        try (InputStream in = KafkaRuntime.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + CLASSPATH_RESOURCE
                        + " not found on the classpath: run ./mvnw install -pl infra/runtimes/kafka");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + CLASSPATH_RESOURCE, e);
        }
    }
}
