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
        return gpuDevices(Path.of("/dev"));
    }

    /**
     * Every {@code nvidia*} entry of {@code devDir}: the GPUs' nodes and those CUDA needs besides them
     * ({@code nvidiactl}, {@code nvidia-uvm}, {@code nvidia-uvm-tools}, {@code nvidia-modeset}, {@code nvidia-caps/}).
     */
    public static List<Path> gpuDevices(Path devDir) {
        try (Stream<Path> dev = Files.list(devDir)) {
            return dev.filter(p -> p.getFileName().toString().startsWith("nvidia")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The command line of a {@code runtime: process} task: a leading {@code python3} (or {@code python}) becomes
     * the worker's configured interpreter, so training runs on the same Python and torch as the scorers and the
     * fingerprint records them; any other command runs as written.
     */
    public static List<String> processCommand(List<String> command, Path python) {
        if (command.isEmpty() || python == null || !List.of("python3", "python").contains(command.get(0))) {
            return List.copyOf(command);
        }
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, python.toString());
        return List.copyOf(resolved);
    }

    /**
     * The folder a Python interpreter outside {@code /usr} lives in (a virtualenv's root, two levels above its
     * {@code bin/python3}), which the sandbox must show read-only for it to start with its packages; none for
     * the system's.
     */
    public static List<Path> interpreterPaths(Path python) {
        Path abs = python.toAbsolutePath().normalize();
        if (abs.startsWith("/usr") || abs.getParent() == null || abs.getParent().getParent() == null) {
            return List.of();
        }
        return List.of(abs.getParent().getParent());
    }
}
