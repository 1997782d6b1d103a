package dev.looplab.platform.lease;

import io.micrometer.core.instrument.MeterRegistry;

import dev.looplab.trial.TrialStatus;
import dev.looplab.events.LeaseGrant;
import dev.looplab.events.TrialEvent;
import dev.looplab.platform.outcome.OutcomeRecorder;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.messaging.LiveUpdates;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who runs which attempt of a trial. A worker claims an attempt, renews its lease with events, and
 * either finishes, hands the attempt back, or stops renewing; a lost or handed-back attempt is
 * re-queued as the next attempt. Only the current (highest) attempt of a trial counts: every
 * change takes the trial's row lock, so claims, events and the monitor never race.
 */
@ApplicationScoped
public class LeaseService {
    private static final Logger LOG = Logger.getLogger(LeaseService.class);

    @Inject
    LeaseConfig config;
    @Inject
    TrialRepository trials;
    @Inject
    TrialAttemptRepository attempts;
    @Inject
    RunScheduler runs;
    @Inject
    OutcomeRecorder outcomes;
    @Inject
    LiveUpdates live;
    @Inject
    MeterRegistry registry;

    /** What a claim or handback came to. */
    public sealed interface Answer {
    }

    public record Granted(LeaseGrant grant) implements Answer {
    }

    public record Refused(String reason) implements Answer {
    }

    public record UnknownTrial(String trialId) implements Answer {
    }

    /** An expired lease the monitor found: re-queued as {@code nextAttempt}, or out of attempts. */
    sealed interface Expiry {
    }

    record Requeued(String trialId, int lostAttempt, int nextAttempt) implements Expiry {
    }

    record Exhausted(OutcomeRecorder.Recorded lost) implements Expiry {
    }

    /** A worker asks to run {@code attempt}; granted unless the trial is recorded, the attempt superseded or held. */
    public Answer claim(String trialId, int attempt, String worker) {
        if (worker == null || worker.isBlank()) {
            return new Refused("worker is empty: send {\"worker\": \"<worker id>\"} to claim an attempt");
        }
        Answer answer = QuarkusTransaction.requiringNew().call(() -> {
            Trial trial = trials.findById(trialId, LockModeType.PESSIMISTIC_WRITE);
            if (trial == null) {
                return new UnknownTrial(trialId);
            }
            if (trial.isFinal()) {
                return new Refused("trial " + trialId + " is already recorded as " + trial.status + ": nothing to run");
            }
            Optional<TrialAttempt> latest = attempts.findLatest(trialId);
            if (latest.isPresent() && latest.get().attempt > attempt) {
                return new Refused("attempt " + attempt + " of trial " + trialId + " is superseded by attempt "
                        + latest.get().attempt);
            }
            TrialAttempt row = latest.filter(a -> a.attempt == attempt).orElse(null);
            Instant now = Instant.now();
            if (row == null) {
                row = TrialAttempt.of(trialId, attempt);
                attempts.persist(row);
            } else if (!row.isOpen()) {
                return new Refused("attempt " + attempt + " of trial " + trialId + " already ended (" + row.ending
                        + (row.worker == null ? "" : " on worker " + row.worker) + ")");
            } else if (row.worker != null && !row.worker.equals(worker)) {
                return new Refused("attempt " + attempt + " of trial " + trialId + " is held by worker " + row.worker
                        + " (lease until " + row.leaseExpiresAt + ")");
            }
            row.worker = worker;
            row.claimedAt = row.claimedAt == null ? now : row.claimedAt;
            row.leaseExpiresAt = now.plus(config.ttl());
            LOG.debugf("trial %s attempt %d claimed by %s", trialId, attempt, worker);
            return new Granted(grant(row));
        });
        if (answer instanceof Granted) {
            // the run left the worker's partition: it may take another to wait behind this one
            runs.dispatchSoon();
        }
        return answer;
    }

    /**
     * Renews the lease of the event's attempt (taking it when no worker holds it yet); false when the
     * event belongs to a superseded or ended attempt, or to a worker that does not hold it, and must be ignored.
     * Runs in the caller's transaction.
     */
    public boolean renew(TrialEvent event) {
        Trial trial = trials.findById(event.trialId(), LockModeType.PESSIMISTIC_WRITE);
        if (trial == null || trial.isFinal()) {
            return false;
        }
        Optional<TrialAttempt> row = current(event);
        if (row.isEmpty()) {
            return false;
        }
        TrialAttempt held = row.get();
        held.worker = event.worker();
        held.leaseExpiresAt = Instant.now().plus(config.ttl());
        return true;
    }

    /**
     * Whether a FINISHED event may become the trial's outcome: the first valid result wins. The event must come
     * from the worker that held its attempt, and the attempt must not have been handed back or cancelled; a
     * superseded attempt (its lease lapsed and a newer one was queued) still counts when it finishes first, and
     * then every other open attempt of the trial is cancelled. Runs in the caller's transaction, which holds the
     * trial's row lock.
     */
    public boolean endWithOutcome(TrialEvent finished) {
        Instant now = Instant.now();
        TrialAttempt row = attempts.findById(TrialAttempt.of(finished.trialId(), finished.attempt()).id);
        if (row == null) {
            Optional<TrialAttempt> latest = attempts.findLatest(finished.trialId());
            if (latest.isPresent() && latest.get().attempt > finished.attempt()) {
                LOG.infof("ignoring FINISHED of trial %s attempt %d from %s: no such attempt was ever run",
                        finished.trialId(), finished.attempt(), finished.worker());
                return false;
            }
            // a worker that does not claim (no platform URL) takes the attempt with its first event
            row = TrialAttempt.of(finished.trialId(), finished.attempt());
            row.claimedAt = now;
            attempts.persist(row);
        } else if (TrialAttempt.HANDED_BACK.equals(row.ending) || TrialAttempt.CANCELLED.equals(row.ending)
                || TrialAttempt.FINISHED.equals(row.ending)) {
            LOG.infof("ignoring FINISHED of trial %s attempt %d from %s: the attempt already ended (%s)",
                    finished.trialId(), finished.attempt(), finished.worker(), row.ending);
            return false;
        } else if (row.worker != null && !row.worker.equals(finished.worker())) {
            LOG.infof("ignoring FINISHED of trial %s attempt %d from %s: worker %s holds the attempt",
                    finished.trialId(), finished.attempt(), finished.worker(), row.worker);
            return false;
        }
        if (TrialAttempt.LOST.equals(row.ending)) {
            LOG.infof("trial %s: attempt %d from %s finished after its lease lapsed; its result is the first, so it"
                    + " counts", finished.trialId(), finished.attempt(), finished.worker());
        }
        row.worker = finished.worker();
        row.end(TrialAttempt.FINISHED, now);
        for (TrialAttempt other : attempts.listForTrial(finished.trialId())) {
            if (other.isOpen() && !other.id.equals(row.id)) {
                other.end(TrialAttempt.CANCELLED, now);
                LOG.infof("trial %s attempt %d cancelled: attempt %d finished first", other.trialId, other.attempt,
                        row.attempt);
            }
        }
        return true;
    }

    /**
     * A worker's heartbeat over REST: renews the lease of the attempt it holds. A superseded attempt is told to
     * go on (its result counts if it finishes first) without a renewal; an attempt that must stop (the trial is
     * recorded, the attempt was cancelled or handed back, another worker holds it) is refused with the reason.
     */
    public Answer heartbeat(String trialId, int attempt, String worker) {
        return heartbeat(trialId, attempt, worker, false);
    }

    /**
     * How long a lease lasts once its worker says the outcome is on the trial-events topic: long enough for a
     * platform that reads the topic late to read it, so a finished attempt is never re-run for lateness.
     */
    static final java.time.Duration REPORTED_GRACE = java.time.Duration.ofMinutes(10);

    /** {@code reported}: the worker has published FINISHED (the broker took it); the lease waits for it. */
    public Answer heartbeat(String trialId, int attempt, String worker, boolean reported) {
        if (worker == null || worker.isBlank()) {
            return new Refused("worker is empty: send {\"worker\": \"<worker id>\"} with a heartbeat");
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Trial trial = trials.findById(trialId, LockModeType.PESSIMISTIC_WRITE);
            if (trial == null) {
                return new UnknownTrial(trialId);
            }
            if (trial.isFinal()) {
                return new Refused("trial " + trialId + " is already recorded as " + trial.status + ": stop this run");
            }
            TrialAttempt row = attempts.findById(TrialAttempt.of(trialId, attempt).id);
            if (row == null) {
                return new Refused("trial " + trialId + " has no attempt " + attempt + ": claim it first");
            }
            if (row.worker != null && !row.worker.equals(worker)) {
                return new Refused("attempt " + attempt + " of trial " + trialId + " is held by worker " + row.worker);
            }
            if (TrialAttempt.LOST.equals(row.ending)) {
                // superseded, but not beaten yet: the first valid result still wins
                return new Granted(grant(row));
            }
            if (!row.isOpen()) {
                return new Refused("attempt " + attempt + " of trial " + trialId + " ended (" + row.ending
                        + "): stop this run");
            }
            row.worker = worker;
            row.leaseExpiresAt = Instant.now().plus(reported ? REPORTED_GRACE : config.ttl());
            return new Granted(grant(row));
        });
    }

    /** Every open lease gets a full TTL from now: the platform was not watching, so no worker is to blame. */
    void graceAfterOutage(java.time.Duration outage) {
        int extended = QuarkusTransaction.requiringNew().call(() ->
                attempts.extendOpenLeases(Instant.now(), config.ttl()));
        if (extended > 0) {
            LOG.warnf("the platform did not watch leases for %s (stopped, paused or overloaded): %d open lease(s)"
                    + " get %s from now before they count as lost", outage, extended, config.ttl());
        }
    }

    /** The worker gives its attempt up (it is stopping): the next attempt is queued at once. */
    public Answer handBack(String trialId, int attempt, String worker, String message) {
        Answer answer = QuarkusTransaction.requiringNew().call(() -> {
            Trial trial = trials.findById(trialId, LockModeType.PESSIMISTIC_WRITE);
            if (trial == null) {
                return new UnknownTrial(trialId);
            }
            TrialAttempt row = attempts.findById(TrialAttempt.of(trialId, attempt).id);
            if (trial.isFinal() || row == null || !row.isOpen() || !worker.equals(row.worker)) {
                return new Refused("worker " + worker + " does not hold attempt " + attempt + " of trial " + trialId
                        + (trial.isFinal() ? " (the trial is recorded as " + trial.status + ")" : ""));
            }
            row.end(TrialAttempt.HANDED_BACK, Instant.now());
            TrialAttempt next = queueNext(trial, row);
            LOG.infof("trial %s attempt %d handed back by %s (%s); queued attempt %d", trialId, attempt, worker,
                    message == null ? "no reason given" : message, next.attempt);
            return new Granted(grant(next));
        });
        if (answer instanceof Granted g) {
            requestRun(trialId, g.grant().attempt());
        }
        return answer;
    }

    /** Ends every expired lease: re-queued while attempts remain, else handed over as a worker_lost outcome. */
    List<Expiry> expireLeases() {
        List<String> expired = QuarkusTransaction.requiringNew().call(() ->
                attempts.listExpired(Instant.now()).stream().map(a -> a.id).toList());
        return expired.stream().map(id -> QuarkusTransaction.requiringNew().call(() -> expire(id)))
                .flatMap(Optional::stream).toList();
    }

    private Optional<Expiry> expire(String attemptId) {
        TrialAttempt row = attempts.findById(attemptId);
        Trial trial = row == null ? null : trials.findById(row.trialId, LockModeType.PESSIMISTIC_WRITE);
        if (trial == null) {
            return Optional.empty();
        }
        attempts.getEntityManager().refresh(row);
        Instant now = Instant.now();
        if (!row.isOpen() || row.leaseLive(now)) {
            return Optional.empty();
        }
        if (trial.isFinal()) {
            row.end(TrialAttempt.LOST, now);
            return Optional.empty();
        }
        registry.counter("looplab_lease_expiries_total").increment();
        List<TrialAttempt> history = attempts.listForTrial(trial.id);
        long lost = history.stream().filter(a -> TrialAttempt.LOST.equals(a.ending)).count() + 1;
        if (lost < config.maxAttempts()) {
            row.end(TrialAttempt.LOST, now);
            TrialAttempt next = queueNext(trial, row);
            LOG.warnf("trial %s attempt %d lost: worker %s stopped renewing its lease at %s; queued attempt %d",
                    trial.id, row.attempt, row.worker, row.leaseExpiresAt, next.attempt);
            return Optional.of(new Requeued(trial.id, row.attempt, next.attempt));
        }
        String reason = lostReason(trial.id, history, row);
        row.end(TrialAttempt.LOST, now);
        return Optional.of(new Exhausted(outcomes.recordLost(trial, row.attempt, row.worker, reason)));
    }

    private String lostReason(String trialId, List<TrialAttempt> history, TrialAttempt last) {
        String attemptsText = history.stream()
                .filter(a -> TrialAttempt.LOST.equals(a.ending) || a.id.equals(last.id))
                .map(a -> "attempt " + a.attempt + " on worker " + (a.worker == null ? "(none)" : a.worker)
                        + " (lease expired " + a.leaseExpiresAt + ")")
                .collect(Collectors.joining(", "));
        return "trial " + trialId + " lost its worker " + config.maxAttempts() + " times (looplab.leases.max-attempts): "
                + attemptsText + ". The workers died or stopped renewing their leases: read their logs (killed for"
                + " memory?), or raise looplab.leases.ttl if they are only slow to send heartbeats.";
    }

    /** Sends the run requests of queued attempts Kafka never acknowledged (the platform stopped in between). */
    void resendUnrequested() {
        List<TrialAttempt> waiting = QuarkusTransaction.requiringNew().call(() -> attempts.listAwaitingRequest());
        waiting.forEach(a -> requestRun(a.trialId, a.attempt));
    }

    void requestRun(String trialId, int attempt) {
        Trial trial = QuarkusTransaction.requiringNew().call(() -> trials.findById(trialId));
        // marked once Kafka has the request: until then the monitor's resendUnrequested sends it (deduped) again
        runs.scheduleRun(trial, attempt, () -> QuarkusTransaction.requiringNew().run(() -> {
            TrialAttempt row = attempts.findById(TrialAttempt.of(trialId, attempt).id);
            if (row != null && row.requestedAt == null) {
                row.requestedAt = Instant.now();
            }
        }));
        live.trialChanged(trialId, TrialStatus.queued);
    }

    private TrialAttempt queueNext(Trial trial, TrialAttempt ended) {
        TrialAttempt next = TrialAttempt.of(trial.id, ended.attempt + 1);
        attempts.persist(next);
        trial.status = TrialStatus.queued;
        trial.updatedAt = Instant.now();
        return next;
    }

    /** The event's attempt when it is the trial's current, open one and the event's worker may hold it. */
    private Optional<TrialAttempt> current(TrialEvent event) {
        Optional<TrialAttempt> latest = attempts.findLatest(event.trialId());
        if (latest.isPresent() && latest.get().attempt > event.attempt()) {
            LOG.infof("ignoring %s of trial %s attempt %d from %s: superseded by attempt %d", event.type(),
                    event.trialId(), event.attempt(), event.worker(), latest.get().attempt);
            return Optional.empty();
        }
        TrialAttempt row = latest.filter(a -> a.attempt == event.attempt()).orElse(null);
        if (row == null) {
            // a worker that does not claim (no platform URL) takes the attempt with its first event
            row = TrialAttempt.of(event.trialId(), event.attempt());
            row.claimedAt = Instant.now();
            attempts.persist(row);
            return Optional.of(row);
        }
        if (!row.isOpen()) {
            LOG.infof("ignoring %s of trial %s attempt %d from %s: the attempt already ended (%s)", event.type(),
                    event.trialId(), event.attempt(), event.worker(), row.ending);
            return Optional.empty();
        }
        if (row.worker != null && !row.worker.equals(event.worker())) {
            LOG.infof("ignoring %s of trial %s attempt %d from %s: worker %s holds the attempt", event.type(),
                    event.trialId(), event.attempt(), event.worker(), row.worker);
            return Optional.empty();
        }
        return Optional.of(row);
    }

    private LeaseGrant grant(TrialAttempt row) {
        long heartbeat = Math.max(1, config.ttl().toSeconds() / 3);
        return new LeaseGrant(row.trialId, row.attempt, row.worker,
                row.leaseExpiresAt == null ? 0 : row.leaseExpiresAt.toEpochMilli(), (int) heartbeat);
    }
}
