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
     * glibc's allocator for libtorch's tensors. The recipe's main thread is not the process's first thread, so
     * glibc serves it from a secondary arena, and with the default dynamic thresholds tensors of a megabyte or
     * more were mapped and unmapped for every op, each paying page faults on first touch: 61 golf-mini steps
     * spent 3.5 s in the kernel (1.1-1.3 s with these settings), and training ran at 0.44x PyTorch's speed
     * (0.79x with them, docs/benchmarks.md). A fixed mmap threshold of 32 MB and a trim threshold of 256 MB
     * keep those buffers in the process (setting only the trim threshold also freezes the mmap threshold at
     * 128 KB, which is far worse). Addresses change, numbers do not: MKL_CBWR already makes results independent
     * of alignment, and GolfMiniEvaluatorTest requires the same bits with glibc's defaults.
     */
    public static final Map<String, String> NATIVE_ALLOCATOR = Map.of("GLIBC_TUNABLES",
            "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456");

    /** The environment every DJL child process (training and scoring) gets on top of its own. */
    public static final Map<String, String> ENVIRONMENT = environment();

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

    private static Map<String, String> environment() {
        Map<String, String> env = new java.util.TreeMap<>(REPRODUCIBLE_NUMERICS);
        env.putAll(NATIVE_ALLOCATOR);
        return java.util.Collections.unmodifiableMap(env);
    }

    /**
     * {@code env}: prints {@link #ENVIRONMENT} as NAME=VALUE lines, so the benchmark scripts start recipes as
     * the worker does without a copy of these values.
     */
    public static void main(String[] args) {
        if (args.length != 1 || !args[0].equals("env")) {
            System.err.println("usage: java -cp <this module's classes> " + DjlRuntime.class.getName() + " env");
            System.exit(2);
        }
        ENVIRONMENT.forEach((name, value) -> System.out.println(name + "=" + value));
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
