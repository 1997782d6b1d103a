package dev.looplab.lineage;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.RefDirectory;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Records trials from diffs, alone or in groups: every diff is applied in memory ({@link TreePatcher} over
 * {@link StagedObjects}), the accepted trials' objects go to disk together (one pack for a group), then each trial
 * ref is created by compare-and-swap. Remembers recent trials' commits, so a parent needs no ref lookup.
 */
final class TrialWriter {

    // A pack per group pays off from here on; fewer trials write loose objects, so single trials add no pack files.
    static final int PACK_AT_LEAST = 4;
    // Loose ref files pile up one per trial; packing them in batches keeps ref scans (ours, git's) short.
    static final int PACK_REFS_EVERY = 500;
    // Packing rewrites all of packed-refs, so it waits for a loose ref per 4 KB of it (about one per 60 packed):
    // at 100,000 trials that is every 1,600 trials, and a rewrite costs well under a millisecond per trial.
    static final int PACKED_REFS_BYTES_PER_LOOSE_REF = 4096;
    // Parents come mostly from the best and recent trials; remembering their commits spares a ref lookup each.
    private static final int KNOWN_TRIALS = 10_000;

    private final LineageRepository lineage;
    private final Repository git;
    private final LineageOptions options;
    private final TrialIndex index;
    private final Refs refs;
    private final TreePatcher patcher;
    private final int packRefsEvery;
    private int recordedSincePack;
    // Trial refs are only ever created, never moved, so a trial's commit once seen stays its commit.
    private final Map<String, ObjectId> knownTrials = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectId> eldest) {
            return size() > KNOWN_TRIALS;
        }
    };

    /** One accepted trial of a group: its commit, written once the group's objects go to disk. */
    private record Staged(TrialSpec spec, ObjectId commit, ObjectId parent, ObjectId tree) {
    }

    TrialWriter(LineageRepository lineage, LineageOptions options, TrialIndex index, Refs refs, int packRefsEvery) {
        this.lineage = lineage;
        this.git = lineage.git;
        this.options = options;
        this.index = index;
        this.refs = refs;
        this.patcher = new TreePatcher(git);
        this.packRefsEvery = packRefsEvery;
    }

    TrialCommit record(TrialSpec spec) {
        Patch patch = DiffGuard.parse(spec.trialId(), spec.diff(), options);
        return lineage.io("record trial " + spec.trialId(), () -> record(List.of(spec), List.of(patch)))
                .get(0).commitOrThrow();
    }

    List<TrialRecording> record(List<TrialSpec> specs) {
        if (specs == null || specs.isEmpty() || specs.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("recordTrials needs a non-empty list of specs without nulls;"
                    + " pass the trials to record");
        }
        List<Patch> patches = new ArrayList<>(specs.size());
        List<TrialRecording> refused = new ArrayList<>(Collections.nCopies(specs.size(), null));
        for (int i = 0; i < specs.size(); i++) {
            TrialSpec spec = specs.get(i);
            try {
                patches.add(DiffGuard.parse(spec.trialId(), spec.diff(), options));
            } catch (DiffRejectedException e) {
                patches.add(null);
                refused.set(i, TrialRecording.failed(spec.trialId(), e));
            }
        }
        List<TrialRecording> recorded = lineage.io("record " + specs.size() + " trials", () -> record(specs, patches));
        List<TrialRecording> results = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            results.add(refused.get(i) != null ? refused.get(i) : recorded.get(i));
        }
        return Collections.unmodifiableList(results);
    }

    /**
     * Records the specs whose patch is not null; the others get a null result for the caller to fill. A spec
     * whose parent is staged in the same round waits for the next round, once its parent is on disk.
     */
    private List<TrialRecording> record(List<TrialSpec> specs, List<Patch> patches) throws IOException {
        TrialRecording[] results = new TrialRecording[specs.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            if (patches.get(i) != null) {
                pending.add(i);
            }
        }
        while (!pending.isEmpty()) {
            pending = recordRound(specs, patches, pending, results);
        }
        return Arrays.asList(results);
    }

    /** Stages, writes and creates the refs of the pending specs whose parents are on disk; returns the others. */
    private List<Integer> recordRound(List<TrialSpec> specs, List<Patch> patches, List<Integer> pending,
            TrialRecording[] results) throws IOException {
        List<Integer> waiting = new ArrayList<>();
        List<Integer> staged = new ArrayList<>();
        List<Staged> accepted = new ArrayList<>();
        Map<String, Staged> byId = new HashMap<>();
        try (ObjectReader reader = git.newObjectReader()) {
            StagedObjects objects = new StagedObjects(reader);
            try (RevWalk walk = new RevWalk(reader)) {
                for (int i : pending) {
                    TrialSpec spec = specs.get(i);
                    if (byId.containsKey(spec.parentTrialId())) {
                        waiting.add(i);
                        continue;
                    }
                    try {
                        Staged trial = stage(spec, patches.get(i), walk, objects, !byId.containsKey(spec.trialId()));
                        Staged twin = byId.putIfAbsent(spec.trialId(), trial);
                        if (twin == null) {
                            accepted.add(trial);
                        } else {
                            // The same id twice in one group: like a redelivery, same content is the same trial.
                            results[i] = sameInGroup(twin, trial);
                        }
                        staged.add(i);
                    } catch (DiffRejectedException | UnknownTrialException | TrialConflictException e) {
                        results[i] = TrialRecording.failed(spec.trialId(), e);
                    }
                }
            }
            if (accepted.isEmpty()) {
                return waiting;
            }
            writeObjects(objects, accepted.size());
        }
        Map<String, TrialRecording> created = createTrialRefs(accepted);
        for (int i : staged) {
            if (results[i] == null) {
                results[i] = created.get(specs.get(i).trialId());
            }
        }
        return waiting;
    }

    private Staged stage(TrialSpec spec, Patch patch, RevWalk walk, StagedObjects objects, boolean keep)
            throws IOException {
        RevCommit parent = parentCommit(walk, spec.parentTrialId(), spec.trialId());
        RevTree parentTree = parent.getTree();
        patcher.checkTargets(spec.trialId(), spec.parentTrialId(), patch, parentTree, walk.getObjectReader());
        StagedObjects.Trial trial = objects.begin();
        ObjectId tree = patcher.apply(spec, patch, parentTree, trial);
        if (tree.equals(parentTree)) {
            throw DiffGuard.reject(spec.trialId(), "diff leaves the recipe of parent trial "
                    + spec.parentTrialId() + " unchanged; submit a diff that changes something");
        }
        ObjectId commit = trial.insert(LineageRepository.newCommit(tree, CommitMessages.of(spec), parent));
        if (keep) {
            trial.accept();
        }
        return new Staged(spec, commit, parent.copy(), tree);
    }

    private static TrialRecording sameInGroup(Staged first, Staged again) {
        String trialId = first.spec().trialId();
        boolean sameParent = first.parent().equals(again.parent());
        if (!sameParent || !first.tree().equals(again.tree())) {
            return TrialRecording.failed(trialId, new TrialConflictException("trial " + trialId
                    + " appears twice in one group with " + (sameParent ? "a different diff" : "a different parent")
                    + "; give the new proposal a fresh trial id"));
        }
        // Filled in with the first one's result once its ref exists.
        return null;
    }

    private void writeObjects(StagedObjects objects, int trials) throws IOException {
        boolean pack = trials >= PACK_AT_LEAST && git.getObjectDatabase() instanceof ObjectDirectory;
        try (ObjectInserter inserter = pack ? ((ObjectDirectory) git.getObjectDatabase()).newPackInserter()
                : git.newObjectInserter()) {
            objects.writeTo(inserter);
            // Objects reach the disk before any ref names them: a crash in between leaves only unreferenced objects.
            inserter.flush();
        }
        if (pack) {
            SmallPacks.merge((ObjectDirectory) git.getObjectDatabase());
        }
    }

    /**
     * Creates the trial refs of a group, each by compare-and-swap from nothing; a ref that exists already (a
     * redelivered trial, or another writer's) is compared with the staged trial instead.
     */
    private Map<String, TrialRecording> createTrialRefs(List<Staged> trials) throws IOException {
        String container = LineageStore.TRIAL_REFS.substring(0, LineageStore.TRIAL_REFS.length() - 1);
        if (git.exactRef(container) != null) {
            // Ids hold no '/', so this is the only ref name that could clash with a trial ref.
            throw new IOException("a ref named " + container + " blocks every trial ref; rename or delete it"
                    + " (git update-ref -d " + container + ")");
        }
        Map<String, TrialRecording> results = new HashMap<>();
        try (RevWalk walk = new RevWalk(git)) {
            for (Staged trial : trials) {
                String trialId = trial.spec().trialId();
                String name = LineageStore.TRIAL_REFS + trialId;
                try {
                    // Taken (another writer, a redelivery) or locked: JGit's update reads or retries it.
                    ObjectId recorded = refs.createTrialRef(name, trial.commit());
                    if (recorded.equals(trial.commit())) {
                        recorded(trialId, walk, trial.commit());
                        results.put(trialId, TrialRecording.recorded(
                                new TrialCommit(trialId, trial.commit().name(), trial.parent().name())));
                    } else {
                        remember(trialId, recorded);
                        results.put(trialId, TrialRecording.recorded(sameOrConflict(walk, trial.spec(), recorded,
                                walk.parseCommit(trial.parent()), trial.tree())));
                    }
                } catch (TrialConflictException e) {
                    results.put(trialId, TrialRecording.failed(trialId, e));
                } catch (IOException e) {
                    results.put(trialId, TrialRecording.failed(trialId, new LineageIoException("could not create "
                            + name + " in lineage " + lineage.dir + ": " + e.getMessage(), e)));
                }
            }
        }
        return results;
    }

    private void recorded(String trialId, RevWalk walk, ObjectId commit) throws IOException {
        synchronized (index) {
            if (index.size() > 0) {
                index.added(trialId, walk.parseCommit(commit));
            }
            if (++recordedSincePack >= packRefsEvery
                    && recordedSincePack >= packedRefsBytes() / PACKED_REFS_BYTES_PER_LOOSE_REF) {
                recordedSincePack = 0;
                packTrialRefs();
            }
        }
        remember(trialId, commit);
    }

    private long packedRefsBytes() {
        try {
            return Files.size(lineage.dir.resolve(Constants.PACKED_REFS));
        } catch (IOException e) {
            return 0;
        }
    }

    private void packTrialRefs() throws IOException {
        if (git.getRefDatabase() instanceof RefDirectory refDirectory) {
            List<String> loose = LooseRefs.names(lineage.dir.resolve(LineageStore.TRIAL_REFS)).stream()
                    .map(name -> LineageStore.TRIAL_REFS + name).toList();
            if (!loose.isEmpty()) {
                refDirectory.pack(loose);
            }
        }
    }

    private void remember(String trialId, ObjectId commit) {
        synchronized (knownTrials) {
            knownTrials.put(trialId, commit.copy());
        }
    }

    /** The parent's commit: remembered, or from its ref. */
    private RevCommit parentCommit(RevWalk walk, String parentId, String trialId) throws IOException {
        ObjectId known;
        synchronized (knownTrials) {
            known = knownTrials.get(parentId);
        }
        if (known != null) {
            return walk.parseCommit(known);
        }
        RevCommit parent = lineage.trial(walk, parentId, "parent trial of " + trialId);
        remember(parentId, parent);
        return parent;
    }

    private static TrialCommit sameOrConflict(RevWalk walk, TrialSpec spec, ObjectId recordedId, RevCommit parent,
            ObjectId tree) throws IOException {
        RevCommit recorded = walk.parseCommit(recordedId);
        boolean sameParent = recorded.getParentCount() == 1 && recorded.getParent(0).equals(parent);
        if (!sameParent || !recorded.getTree().equals(tree)) {
            throw new TrialConflictException("trial " + spec.trialId() + " is already recorded as commit "
                    + recordedId.name() + " with " + (sameParent ? "a different diff" : "a different parent")
                    + "; give the new proposal a fresh trial id");
        }
        return new TrialCommit(spec.trialId(), recorded.name(), parent.name());
    }
}
