package dev.looplab.runtime.djl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath (DJL, PyTorch engine and CPU natives) that DJL recipes run with in a child JVM,
 * as resolved by Maven when this module was built.
 */
public final class DjlRuntime {

    /**
     * Environment every DJL child process gets: libtorch's bundled MKL otherwise chooses kernels by
     * memory alignment, so the same seed and threads could give different numbers.
     */
    public static final java.util.Map<String, String> REPRODUCIBLE_NUMERICS = java.util.Map.of("MKL_CBWR", "AUTO,STRICT");

    /**
     * JVM options of every recipe JVM (training and scoring). The serial collector because with G1's
     * concurrent threads the same seed and steps trained different bits (4 of 6 runs under load, and
     * now and then a NaN), with the serial collector 16 of 16 runs were identical; offline because a
     * recipe must never download an engine.
     */
    public static final java.util.List<String> JVM_OPTIONS = java.util.List.of("-XX:+UseSerialGC",
            "-Dai.djl.offline=true");
    static final String RESOURCE = "/looplab/runtime/djl.classpath";

    private DjlRuntime() {
    }

    /** The jars of the DJL runtime; fails naming the first missing jar. */
    public static List<Path> classpath() {
        String raw;
        try (InputStream in = DjlRuntime.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE
                        + " is missing from looplab-runtime-djl: run ./mvnw install -pl infra/runtimes/djl");
            }
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        List<Path> jars = new ArrayList<>();
        for (String entry : raw.split(":")) {
            if (entry.isBlank()) {
                continue;
            }
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("DJL runtime jar " + jar
                        + " is missing (local Maven repository changed?): run ./mvnw install -pl infra/runtimes/djl");
            }
            jars.add(jar);
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " lists no jars: run ./mvnw install -pl infra/runtimes/djl");
        }
        return List.copyOf(jars);
    }

    /** {@link #classpath()} joined with ':' for {@code java -cp}. */
    public static String classpathString() {
        return String.join(":", classpath().stream().map(Path::toString).toList());
    }
}
