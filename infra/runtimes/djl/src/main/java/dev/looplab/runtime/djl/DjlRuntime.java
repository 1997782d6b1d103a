package dev.looplab.runtime.djl;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.looplab.runtime.RuntimeClasspath;

/**
 * The classpath (DJL, PyTorch engine and CPU natives) that DJL recipes run with in a child JVM,
 * as resolved by Maven when this module was built.
 */
public final class DjlRuntime {

    /**
     * Environment every DJL child process gets: libtorch's bundled MKL otherwise chooses kernels by
     * memory alignment, so the same seed and threads could give different numbers.
     */
    public static final Map<String, String> REPRODUCIBLE_NUMERICS = Map.of("MKL_CBWR", "AUTO,STRICT");

    /**
     * JVM options of every recipe JVM (training and scoring). The serial collector because with G1's
     * concurrent threads the same seed and steps trained different bits (4 of 6 runs under load, and
     * now and then a NaN), with the serial collector 16 of 16 runs were identical; offline because a
     * recipe must never download an engine.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Dai.djl.offline=true");

    static final String RESOURCE = "looplab/runtime/djl.classpath";

    // recipes run their own main on these jars alone: no launcher of this module joins them
    private static final RuntimeClasspath RUNTIME =
            new RuntimeClasspath(DjlRuntime.class, RESOURCE, "DJL", "infra/runtimes/djl");

    private DjlRuntime() {
    }

    /** The jars of the DJL runtime; fails naming the missing jars. */
    public static List<Path> classpath() {
        return RUNTIME.jars();
    }

    /** {@link #classpath()} joined with ':' for {@code java -cp}. */
    public static String classpathString() {
        return RUNTIME.jarsString();
    }
}
