package dev.looplab.worker.sandbox;

import dev.looplab.runtime.djl.DjlRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a sandboxed recipe must see besides the system files: the JDK, the DJL jars and libtorch, GPU devices. */
public final class RecipeRuntime {

    private RecipeRuntime() {
    }

    /**
     * The JDK, the DJL classpath's jars, the DJL and engine caches (where libtorch's natives were
     * unpacked, {@code ~/.djl.ai} by default) and {@code extra}, all to be bound read-only.
     */
    public static List<Path> readOnlyPaths(List<Path> extra) {
        List<Path> paths = new ArrayList<>();
        paths.add(Path.of(System.getProperty("java.home")));
        try {
            paths.addAll(DjlRuntime.classpath());
        } catch (RuntimeException e) {
            // a worker without the DJL runtime still runs process recipes; DJL ones fail naming the fix
        }
        for (String variable : List.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                paths.add(Path.of(value));
            }
        }
        paths.add(Path.of(System.getProperty("user.home"), ".djl.ai"));
        paths.addAll(extra);
        return paths.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    /** The NVIDIA device nodes ({@code /dev/nvidia*}) to pass through when the worker owns GPUs. */
    public static List<Path> gpuDevices() {
        try (Stream<Path> dev = Files.list(Path.of("/dev"))) {
            return dev.filter(p -> p.getFileName().toString().startsWith("nvidia")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
