package dev.looplab.worker.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * The operator's explicit {@code looplab.worker.sandbox=unsafe}: trial code runs as the worker's
 * user with full access to the host; only the worker's process and memory watch still applies.
 */
public record Unconfined(SandboxLimits limits) implements TrialSandbox {

    public Unconfined {
        limits = limits == null ? SandboxLimits.NONE : limits;
    }

    @Override
    public List<String> wrap(List<String> command, Path workDir, List<Path> readOnly, List<Path> writable) {
        return List.copyOf(command);
    }

    @Override
    public TrialSandbox hiding(List<Path> paths) {
        return this;
    }

    @Override
    public void ensureUsable() {
        // the operator accepted running trials unconfined
    }

    @Override
    public String description() {
        return "unsafe (no sandbox: network, host files and held-out data reachable), " + limits.describe();
    }
}
