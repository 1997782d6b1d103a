package dev.looplab.lineage;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The lineage's refs, updated the three ways git allows safely beside other writers: created from nothing, moved
 * only from an expected commit (compare-and-swap), or forced. Trial refs are created through {@link LooseRefs}
 * first; a lock another writer holds is retried with a randomised backoff.
 */
final class Refs {

    private static final int MAX_REF_ATTEMPTS = 200;

    private final LineageRepository lineage;
    private final Repository git;

    Refs(LineageRepository lineage) {
        this.lineage = lineage;
        this.git = lineage.git;
    }

    // ---------------------------------------------------------------- root and best

    boolean hasRoot() {
        return lineage.io("read the root ref", () -> git.exactRef(LineageStore.ROOT_REF) != null);
    }

    Optional<String> rootTrial() {
        return lineage.io("read the root ref", () -> trialAt(LineageStore.ROOT_REF));
    }

    Optional<String> bestTrial(String campaign) {
        Ids.requireId("campaign", campaign);
        return lineage.io("read best of campaign " + campaign, () -> trialAt(LineageStore.BEST_REFS + campaign));
    }

    private Optional<String> trialAt(String name) throws IOException {
        Ref ref = git.exactRef(name);
        if (ref == null) {
            return Optional.empty();
        }
        try (RevWalk walk = new RevWalk(git)) {
            return Optional.ofNullable(LineageRepository.trailer(walk.parseCommit(ref.getObjectId()), CommitMessages.TRIAL));
        }
    }

    void moveBest(String campaign, String trialId) {
        Ids.requireId("campaign", campaign);
        lineage.io("move best of campaign " + campaign + " to trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(git)) {
                force(LineageStore.BEST_REFS + campaign, lineage.trial(walk, trialId, "trial"));
            }
            return null;
        });
    }

    boolean moveBestIf(String campaign, String expectedBestTrialId, String trialId) {
        Ids.requireId("campaign", campaign);
        return lineage.io("move best of campaign " + campaign + " to trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(git)) {
                ObjectId target = lineage.trial(walk, trialId, "trial");
                ObjectId expected = expectedBestTrialId == null ? ObjectId.zeroId()
                        : lineage.trial(walk, expectedBestTrialId, "expected best trial");
                return compareAndSwap(LineageStore.BEST_REFS + campaign, expected, target, walk);
            }
        });
    }

    // ---------------------------------------------------------------- updates

    /** Creates {@code name} at {@code id} unless it exists; returns the id the ref holds afterwards. */
    ObjectId create(String name, ObjectId id) throws IOException {
        for (int attempt = 1; ; attempt++) {
            RefUpdate update = git.updateRef(name);
            update.setExpectedOldObjectId(ObjectId.zeroId());
            update.setNewObjectId(id);
            RefUpdate.Result result = update.update();
            if (result == RefUpdate.Result.NEW) {
                return id;
            }
            Ref existing = git.exactRef(name);
            if (existing != null && existing.getObjectId() != null) {
                return existing.getObjectId();
            }
            retryOrFail(name, result, attempt);
        }
    }

    /** Like {@link #create}, for a trial ref: git's lock protocol directly, JGit's update when the ref is taken or locked. */
    ObjectId createTrialRef(String name, ObjectId commit) throws IOException {
        return LooseRefs.create(git, lineage.dir, name, commit) ? commit : create(name, commit);
    }

    /**
     * Moves {@code name} to {@code target} only while it points at {@code expected} (the zero id: while it does not
     * exist); false, with nothing changed, when it points elsewhere.
     */
    boolean compareAndSwap(String name, ObjectId expected, ObjectId target, RevWalk walk) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Ref current = git.exactRef(name);
            ObjectId currentId = current == null ? ObjectId.zeroId() : current.getObjectId();
            if (!currentId.equals(expected)) {
                return false;
            }
            RefUpdate update = git.updateRef(name);
            update.setExpectedOldObjectId(expected);
            update.setNewObjectId(target);
            update.setForceUpdate(true);
            switch (update.update(walk)) {
                case NEW, FORCED, FAST_FORWARD, NO_CHANGE:
                    return true;
                case LOCK_FAILURE:
                    retryOrFail(name, RefUpdate.Result.LOCK_FAILURE, attempt);
                    break;
                default:
                    throw new IOException("updating " + name + " failed");
            }
        }
    }

    /** Points {@code name} at {@code id}, whatever it pointed at before. */
    void force(String name, ObjectId id) throws IOException {
        for (int attempt = 1; ; attempt++) {
            RefUpdate update = git.updateRef(name);
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            RefUpdate.Result result = update.update();
            switch (result) {
                case NEW, FORCED, FAST_FORWARD, NO_CHANGE:
                    return;
                default:
                    retryOrFail(name, result, attempt);
            }
        }
    }

    /** Waits before the next attempt when another writer held the lock; any other failure, or too many, throws. */
    void retryOrFail(String name, RefUpdate.Result result, int attempt) throws IOException {
        if (result != RefUpdate.Result.LOCK_FAILURE || attempt >= MAX_REF_ATTEMPTS) {
            throw new IOException("updating " + name + " failed with " + result + " after " + attempt + " attempts");
        }
        try {
            // Randomised backoff so writers that collided do not collide again in lock step.
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while retrying " + name, e);
        }
    }

    /** Points HEAD at {@code target} while HEAD is unborn, so a clone checks out the baseline recipe. */
    void pointHeadAt(String target) throws IOException {
        Ref head = git.exactRef(Constants.HEAD);
        if (head == null || head.getObjectId() == null) {
            git.updateRef(Constants.HEAD).link(target);
        }
    }
}
