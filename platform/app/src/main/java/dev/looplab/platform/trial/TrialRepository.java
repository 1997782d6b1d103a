package dev.looplab.platform.trial;

import dev.looplab.trial.TrialStatus;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/** Reads and writes {@link Trial} rows. */
@ApplicationScoped
public class TrialRepository implements PanacheRepositoryBase<Trial, String> {

    public Optional<Trial> findByProposal(String proposalId) {
        return find("proposalId", proposalId).firstResultOptional();
    }

    /** The task's root trial (its baseline recipe), the start of every campaign on it. */
    public Optional<Trial> findRoot(String task) {
        return find("task = ?1 and kind = ?2 and parentTrialId is null", task, Trial.KIND_ROOT).firstResultOptional();
    }

    public List<Trial> listNewestFirst(String campaignId, int limit) {
        var sort = Sort.descending("createdAt").and("id", Sort.Direction.Descending);
        var query = campaignId == null ? findAll(sort) : find("campaignId", sort, campaignId);
        return query.page(0, limit).list();
    }

    public List<Trial> listAwaitingRun() {
        return list("status = ?1 and runRequestedAt is null", Sort.ascending("createdAt"), TrialStatus.queued);
    }

    /** Notes that Kafka acknowledged the trial's run request, so a restart does not send it again. */
    public void markRunRequested(String trialId, int budgetSeconds, long seed) {
        update("runRequestedAt = ?1, trainBudgetSeconds = ?2, seed = ?3 where id = ?4", java.time.Instant.now(),
                budgetSeconds, seed, trialId);
    }

    public long countInFlight(String campaignId) {
        return count("campaignId = ?1 and recordedAt is null", campaignId);
    }

    public long countRecorded(String campaignId) {
        return count("campaignId = ?1 and recordedAt is not null", campaignId);
    }

    /** How many trials are in each status (statuses without trials are absent). */
    public java.util.Map<TrialStatus, Long> countByStatus() {
        java.util.Map<TrialStatus, Long> counts = new java.util.EnumMap<>(TrialStatus.class);
        getEntityManager().createQuery("select t.status, count(t) from Trial t group by t.status", Object[].class)
                .getResultList().forEach(row -> counts.put((TrialStatus) row[0], (Long) row[1]));
        return counts;
    }

    /** Workers holding an open lease that has not expired. */
    public long countActiveWorkers() {
        Number n = (Number) getEntityManager().createNativeQuery("select count(distinct worker) from trial_attempt"
                + " where ended_at is null and worker is not null and lease_expires_at > now()").getSingleResult();
        return n.longValue();
    }

    /** Attempts claimed and not ended, by the worker holding them: what each worker runs now. */
    public java.util.Map<String, Integer> countRunningByWorker() {
        java.util.Map<String, Integer> running = new java.util.HashMap<>();
        List<?> rows = getEntityManager().createNativeQuery("select worker, count(*) from trial_attempt"
                + " where ended_at is null and claimed_at is not null and worker is not null group by worker")
                .getResultList();
        for (Object row : rows) {
            Object[] cells = (Object[]) row;
            running.put((String) cells[0], ((Number) cells[1]).intValue());
        }
        return running;
    }

    /**
     * Of these attempt ids ({@code trialId:attempt}), those no longer waiting for a worker: claimed, ended, or of a
     * trial already recorded.
     */
    public java.util.Set<String> findTakenAttempts(java.util.Collection<String> attemptIds) {
        if (attemptIds.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<String> taken = new java.util.HashSet<>();
        getEntityManager().createQuery("select a.id from TrialAttempt a where a.id in :ids"
                        + " and (a.claimedAt is not null or a.endedAt is not null)", String.class)
                .setParameter("ids", attemptIds).getResultList().forEach(taken::add);
        java.util.Map<String, String> trialOf = new java.util.HashMap<>();
        attemptIds.forEach(id -> trialOf.put(id, id.substring(0, id.lastIndexOf(':'))));
        java.util.Set<String> recorded = new java.util.HashSet<>(getEntityManager().createQuery(
                        "select t.id from Trial t where t.id in :ids and t.recordedAt is not null", String.class)
                .setParameter("ids", java.util.Set.copyOf(trialOf.values())).getResultList());
        trialOf.forEach((attempt, trial) -> {
            if (recorded.contains(trial)) {
                taken.add(attempt);
            }
        });
        return taken;
    }

    /** A new trial id from the database sequence; ids are short numbers people can say aloud. */
    public String nextTrialId() {
        Number next = (Number) getEntityManager().createNativeQuery("select nextval('trial_seq')").getSingleResult();
        return Long.toString(next.longValue());
    }
}
