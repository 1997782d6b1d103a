package dev.looplab.worker.run;

import dev.looplab.events.RunRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files of one attempt under {@code <home>/work/<trialId>-<attempt>}. */
record WorkDirs(Path root) {

    static WorkDirs of(Path home, RunRequest request) {
        // trial ids come from the topic: keep them from naming paths outside the work dir
        String safeId = String.valueOf(request.trialId()).replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
        return new WorkDirs(home.resolve("work").resolve(safeId + "-" + request.attempt()));
    }

    Path checkout() {
        return root.resolve("recipe");
    }

    Path out() {
        return root.resolve("out");
    }

    Path scratch() {
        return root.resolve("eval");
    }

    /** Inside {@link #out()}: evaluators read it there, and it is stored with the other outputs. */
    Path log() {
        return out().resolve("train.log");
    }

    Path metrics() {
        return root.resolve("metrics.jsonl");
    }

    /** Empties the dirs: a redelivered request starts from scratch, never from a half-run attempt. */
    void recreate() throws IOException {
        TrialRunner.deleteQuietly(root);
        Files.createDirectories(out());
        Files.createDirectories(scratch());
    }
}
