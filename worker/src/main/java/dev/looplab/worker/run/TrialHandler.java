package dev.looplab.worker.run;

import dev.looplab.events.RunRequest;

/** Runs one run request to its acknowledged FINISHED event; {@link TrialRunner#run} is the real one. */
@FunctionalInterface
public interface TrialHandler {

    /**
     * @throws InterruptedException when the worker stops mid-trial (the request must be redelivered)
     * @throws RuntimeException when the trial could not be reported (the request must be redelivered)
     */
    void handle(RunRequest request) throws InterruptedException;
}
