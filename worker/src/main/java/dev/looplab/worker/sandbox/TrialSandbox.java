package dev.looplab.worker.sandbox;

import dev.looplab.evaluation.ProcessSandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * The confinement a worker runs trial code in, for training and for the evaluator's scoring
 * processes alike: {@link Bubblewrap}, or {@link Unconfined} when the operator chose {@code unsafe}.
 */
public interface TrialSandbox extends ProcessSandbox {

    /** The limits every wrapped process tree runs under. */
    SandboxLimits limits();

    /** A sandbox that also hides {@code paths} (a task's held-out data) from the confined process. */
    TrialSandbox hiding(List<Path> paths);

    /**
     * Fails with a message that says how to fix it when this sandbox cannot confine anything on this
     * machine; the worker then refuses the trial instead of running it unconfined.
     */
    void ensureUsable();

    /** One line for the trial's environment fingerprint (key {@code sandbox}), e.g. {@code bubblewrap 0.8.0, net=none, ...}. */
    String description();
}
