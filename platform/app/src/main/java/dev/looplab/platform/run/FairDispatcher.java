package dev.looplab.platform.run;

import dev.looplab.events.RunRequest;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands waiting runs to the live workers: each worker owns whole partitions of the run topic, so a run sent to one
 * of its partitions is its to take. A worker gets a run when it has none waiting and runs nothing, then (up to
 * {@code backlog}) one to wait behind its running trial; the least loaded worker goes first. A run stays here
 * until a worker has room, so none waits in the partition of a busy worker while another idles.
 */
public final class FairDispatcher {
    private static final Logger LOG = Logger.getLogger(FairDispatcher.class);

    /** A run to send, and what to note once Kafka has it. */
    public record QueuedRun(RunRequest request, Runnable onSent) {
        String attempt() {
            return FairDispatcher.attempt(request.trialId(), request.attempt());
        }
    }

    /** Sends a run request to one partition and returns once the broker has it; throws when it did not. */
    public interface Sender {
        void send(RunRequest request, int partition);
    }

    /** What the leases say about the workers. */
    public interface Claims {
        /** Attempts being run (claimed, not ended), by the worker holding them. */
        Map<String, Integer> runningByWorker();

        /** Of these attempts ({@code trialId:attempt}, the attempt row id), those a worker claimed or that ended: no longer waiting. */
        Set<String> taken(Collection<String> attempts);
    }

    private final WorkerGroup group;
    private final Sender sender;
    private final Claims claims;
    private final int backlog;
    private final LinkedHashMap<String, QueuedRun> waiting = new LinkedHashMap<>();
    /** Runs sent but not yet claimed, by attempt: the partition each was sent to. */
    private final Map<String, Integer> dispatched = new ConcurrentHashMap<>();

    public FairDispatcher(WorkerGroup group, Sender sender, Claims claims, int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be 0 or more, got " + backlog);
        }
        this.group = group;
        this.sender = sender;
        this.claims = claims;
        this.backlog = backlog;
    }

    static String attempt(String trialId, int attempt) {
        return trialId + ":" + attempt;
    }

    /** Queues a run; one already waiting or sent and unclaimed is not queued twice. */
    public void enqueue(QueuedRun run) {
        synchronized (waiting) {
            if (!dispatched.containsKey(run.attempt())) {
                waiting.putIfAbsent(run.attempt(), run);
            }
        }
    }

    /** Runs waiting for a worker with room. */
    public int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /** Runs sent to a worker's partition and not claimed yet. */
    public int dispatched() {
        return dispatched.size();
    }

    /**
     * One round: sends waiting runs to the workers with room until none is left or every worker is full. Returns
     * how many were sent. Called from one thread at a time.
     */
    public int dispatch() {
        if (waiting() == 0) {
            return 0;
        }
        List<WorkerGroup.Member> members = group.members();
        if (members.isEmpty()) {
            return 0;
        }
        if (!dispatched.isEmpty()) {
            dispatched.keySet().removeAll(claims.taken(List.copyOf(dispatched.keySet())));
        }
        Map<String, Integer> running = claims.runningByWorker();
        Map<Integer, Integer> queuedOn = new HashMap<>();
        dispatched.values().forEach(p -> queuedOn.merge(p, 1, Integer::sum));
        List<Slot> slots = new ArrayList<>();
        for (WorkerGroup.Member m : members) {
            int queued = m.partitions().stream().mapToInt(p -> queuedOn.getOrDefault(p, 0)).sum();
            // a worker runs one trial at a time: a second open attempt is one it finished and the platform has
            // not recorded yet, which must not keep the worker's next run back
            slots.add(new Slot(m, Math.min(1, running.getOrDefault(m.clientId(), 0)) + queued));
        }
        int sent = 0;
        while (true) {
            Slot slot = slots.stream().min(Comparator.comparingInt((Slot s) -> s.load)).orElseThrow();
            if (slot.load > backlog) {
                return sent;
            }
            QueuedRun run;
            synchronized (waiting) {
                if (waiting.isEmpty()) {
                    return sent;
                }
                run = waiting.values().iterator().next();
            }
            // the member's partition with the fewest runs queued, so a later rebalance moves little
            int partition = slot.member.partitions().stream()
                    .min(Comparator.comparingInt((Integer p) -> queuedOn.getOrDefault(p, 0))).orElseThrow();
            try {
                sender.send(run.request(), partition);
            } catch (RuntimeException e) {
                LOG.warnf("run of trial %s attempt %d not sent to partition %d of worker %s (%s); it stays queued",
                        run.request().trialId(), run.request().attempt(), partition, slot.member.clientId(),
                        e.getMessage());
                return sent;
            }
            synchronized (waiting) {
                waiting.remove(run.attempt());
                dispatched.put(run.attempt(), partition);
            }
            queuedOn.merge(partition, 1, Integer::sum);
            slot.load++;
            sent++;
            LOG.debugf("trial %s attempt %d sent to partition %d of worker %s", run.request().trialId(),
                    run.request().attempt(), partition, slot.member.clientId());
            try {
                run.onSent().run();
            } catch (RuntimeException e) {
                // the run is with its worker; only the note that it was sent is missing, and a resend is deduped
                LOG.errorf(e, "run of trial %s attempt %d was sent but not marked sent", run.request().trialId(),
                        run.request().attempt());
            }
        }
    }

    private static final class Slot {
        final WorkerGroup.Member member;
        int load;

        Slot(WorkerGroup.Member member, int load) {
            this.member = member;
            this.load = load;
        }
    }
}
