package dev.looplab.platform.run;

import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.events.RunRequest;
import dev.looplab.platform.config.LooplabConfig;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.messaging.Publisher;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The one place a run is asked for: it picks the budget and seed of an attempt and sends the run request to
 * {@code looplab.runs}, at once ({@code direct}) or when a worker has room ({@link RunDispatcher}), and marks the
 * trial requested once Kafka acknowledged it; a trial not marked is sent again after a restart.
 */
@ApplicationScoped
public class RunScheduler {

    @Inject
    LooplabConfig config;
    @Inject
    TrialRepository trials;
    @Inject
    TaskService tasks;
    @Inject
    LineageService lineage;
    @Inject
    Publisher publisher;
    @Inject
    RunsConfig runsConfig;
    @Inject
    RunDispatcher dispatcher;

    /** Asks a worker to run the trial's next attempt. */
    public void scheduleRun(Trial trial) {
        scheduleRun(trial, trial.attempt + 1);
    }

    /** Asks a worker to run {@code attempt} of the trial (a re-queued attempt after a lost or handed-back one). */
    public void scheduleRun(Trial trial, int attempt) {
        scheduleRun(trial, attempt, () -> { });
    }

    /**
     * Asks a worker to run {@code attempt} of the trial; {@code onRequested} runs once Kafka has the request. With
     * fair dispatch the request waits until a worker has room, so that may be later, on the dispatcher's thread.
     */
    public void scheduleRun(Trial trial, int attempt, Runnable onRequested) {
        int budget = trial.trainBudgetSeconds != null && trial.trainBudgetSeconds > 0
                ? trial.trainBudgetSeconds : trainBudgetSeconds(trial.task);
        long seed = trial.seed != null ? trial.seed : config.campaign().seed();
        RunRequest request = new RunRequest(RunRequest.SCHEMA, trial.id, attempt, trial.campaignId,
                trial.task, lineage.fetchUrl(trial.task), trial.commitId, budget, seed, System.currentTimeMillis(),
                trial.requestedSteps == null ? 0 : trial.requestedSteps,
                trial.requestedStopStep == null ? 0 : trial.requestedStopStep);
        String trialId = trial.id;
        Runnable requested = () -> {
            QuarkusTransaction.requiringNew().run(() -> trials.markRunRequested(trialId, budget, seed));
            onRequested.run();
        };
        if (runsConfig.dispatch() == RunsConfig.Dispatch.direct) {
            publisher.requestRun(request);
            requested.run();
        } else {
            dispatcher.enqueue(new FairDispatcher.QueuedRun(request, requested));
        }
    }

    /** A worker claimed or finished a run, so it may have room: hand out waiting runs now. */
    public void dispatchSoon() {
        dispatcher.wake();
    }

    /** The training budget of the task's trials: the platform's override when set, else the task's own. */
    public int trainBudgetSeconds(String task) {
        TaskDefinition definition = tasks.find(task);
        return config.campaign().trainBudgetSeconds() > 0
                ? config.campaign().trainBudgetSeconds() : definition.trainBudgetSeconds();
    }

    /** Sends the run request of every trial whose request Kafka never acknowledged (a crash in between). */
    public void resumeQueuedTrials() {
        List<Trial> queued = QuarkusTransaction.requiringNew().call(() -> trials.listAwaitingRun());
        queued.forEach(this::scheduleRun);
    }
}
