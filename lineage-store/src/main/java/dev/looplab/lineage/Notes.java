package dev.looplab.lineage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Git notes on trial commits: outcomes on {@code refs/notes/outcomes} (replaced), re-runs on
 * {@code refs/notes/replays} (appended). Every write goes through one compare-and-swap loop on the notes ref, so
 * concurrent writers never lose each other's notes.
 */
final class Notes {

    /** The new text of a note, from the note there is (null when there is none). */
    private interface NoteText {
        String of(Note existing) throws IOException;
    }

    private final LineageRepository lineage;
    private final Repository git;
    private final Refs refs;

    Notes(LineageRepository lineage, Refs refs) {
        this.lineage = lineage;
        this.git = lineage.git;
        this.refs = refs;
    }

    void putOutcome(String trialId, String text, String json) {
        putOutcome(trialId, text.strip() + "\n\n```json\n" + json.strip() + "\n```\n");
    }

    void putOutcome(String trialId, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("outcome note for trial " + trialId
                    + " is empty; pass the outcome summary (and its JSON)");
        }
        lineage.io("write the outcome note of trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(git); ObjectInserter inserter = git.newObjectInserter()) {
                RevCommit trial = lineage.trial(walk, trialId, "trial");
                update(LineageStore.OUTCOME_NOTES, trial, "Outcome of trial " + trialId + "\n", existing -> text,
                        walk, inserter);
            }
            return null;
        });
    }

    /**
     * Sets the outcome notes of many trials in one notes commit (an importer's whole history); notes whose text is
     * already there are left alone, and nothing is committed when none changed.
     */
    void putOutcomes(java.util.Map<String, String> texts) {
        if (texts.isEmpty()) {
            return;
        }
        lineage.io("write " + texts.size() + " outcome notes", () -> {
            // hundreds of note blobs go into one pack rather than as many loose files
            boolean pack = git.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory;
            try (ObjectInserter inserter = pack
                    ? ((org.eclipse.jgit.internal.storage.file.ObjectDirectory) git.getObjectDatabase())
                            .newPackInserter() : git.newObjectInserter();
                    org.eclipse.jgit.lib.ObjectReader reader = inserter.newReader();
                    RevWalk walk = new RevWalk(reader)) {
                java.util.Map<RevCommit, String> targets = new java.util.LinkedHashMap<>();
                for (java.util.Map.Entry<String, String> entry : texts.entrySet()) {
                    if (entry.getValue() == null || entry.getValue().isBlank()) {
                        throw new IllegalArgumentException("outcome note for trial " + entry.getKey()
                                + " is empty; pass the outcome summary (and its JSON)");
                    }
                    targets.put(lineage.trial(walk, entry.getKey(), "trial"), entry.getValue());
                }
                for (int attempt = 1; ; attempt++) {
                    Ref ref = git.exactRef(LineageStore.OUTCOME_NOTES);
                    RevCommit head = ref == null ? null : walk.parseCommit(ref.getObjectId());
                    NoteMap notes = head == null ? NoteMap.newEmptyMap() : NoteMap.read(walk.getObjectReader(), head);
                    boolean changed = false;
                    for (java.util.Map.Entry<RevCommit, String> target : targets.entrySet()) {
                        Note existing = notes.getNote(target.getKey());
                        if (existing == null || !text(existing).equals(target.getValue())) {
                            notes.set(target.getKey(), target.getValue(), inserter);
                            changed = true;
                        }
                    }
                    if (!changed) {
                        return null;
                    }
                    ObjectId tree = notes.writeTree(inserter);
                    String message = "Outcomes of " + targets.size() + " trials\n";
                    ObjectId created = inserter.insert(head == null ? LineageRepository.newCommit(tree, message)
                            : LineageRepository.newCommit(tree, message, head));
                    inserter.flush();
                    RefUpdate update = git.updateRef(LineageStore.OUTCOME_NOTES);
                    update.setExpectedOldObjectId(head == null ? ObjectId.zeroId() : head);
                    update.setNewObjectId(created);
                    RefUpdate.Result result = update.update(walk);
                    if (result == RefUpdate.Result.NEW || result == RefUpdate.Result.FAST_FORWARD) {
                        return null;
                    }
                    refs.retryOrFail(LineageStore.OUTCOME_NOTES, result, attempt);
                }
            }
        });
    }

    void append(String notesRef, String commitId, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("note for commit " + commitId + " is empty");
        }
        if (!notesRef.startsWith("refs/notes/")) {
            throw new IllegalArgumentException("notes ref " + notesRef + " must start with refs/notes/");
        }
        lineage.io("append a note to " + commitId + " in " + notesRef, () -> {
            try (RevWalk walk = new RevWalk(git); ObjectInserter inserter = git.newObjectInserter()) {
                RevCommit target = walk.parseCommit(ObjectId.fromString(commitId));
                update(notesRef, target, "Note on " + commitId + "\n",
                        existing -> (existing == null ? "" : text(existing).strip() + "\n\n") + text.strip() + "\n",
                        walk, inserter);
            }
            return null;
        });
    }

    /**
     * Sets the note on {@code target} and commits the notes tree on top of the notes ref by compare-and-swap: when
     * another writer moved the ref meanwhile, the note is set again on top of theirs.
     */
    private void update(String notesRef, RevCommit target, String message, NoteText newText, RevWalk walk,
            ObjectInserter inserter) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Ref ref = git.exactRef(notesRef);
            RevCommit head = ref == null ? null : walk.parseCommit(ref.getObjectId());
            NoteMap notes = head == null ? NoteMap.newEmptyMap() : NoteMap.read(walk.getObjectReader(), head);
            notes.set(target, newText.of(notes.getNote(target)), inserter);
            ObjectId tree = notes.writeTree(inserter);
            ObjectId created = inserter.insert(head == null ? LineageRepository.newCommit(tree, message)
                    : LineageRepository.newCommit(tree, message, head));
            inserter.flush();
            RefUpdate update = git.updateRef(notesRef);
            update.setExpectedOldObjectId(head == null ? ObjectId.zeroId() : head);
            update.setNewObjectId(created);
            RefUpdate.Result result = update.update(walk);
            if (result == RefUpdate.Result.NEW || result == RefUpdate.Result.FAST_FORWARD) {
                return;
            }
            refs.retryOrFail(notesRef, result, attempt);
        }
    }

    Optional<String> outcome(String trialId) {
        return lineage.io("read the outcome note of trial " + trialId, () -> {
            try (RevWalk walk = new RevWalk(git)) {
                RevCommit trial = lineage.trial(walk, trialId, "trial");
                return read(LineageStore.OUTCOME_NOTES, () -> trial, walk);
            }
        });
    }

    Optional<String> read(String notesRef, String commitId) {
        return lineage.io("read the note of " + commitId + " in " + notesRef, () -> {
            try (RevWalk walk = new RevWalk(git)) {
                return read(notesRef, () -> ObjectId.fromString(commitId), walk);
            }
        });
    }

    // The commit is only looked at once the notes ref exists: without notes, any id has none.
    private Optional<String> read(String notesRef, LineageRepository.IoCall<AnyObjectId> commit, RevWalk walk)
            throws IOException {
        Ref ref = git.exactRef(notesRef);
        if (ref == null) {
            return Optional.empty();
        }
        NoteMap notes = NoteMap.read(walk.getObjectReader(), walk.parseCommit(ref.getObjectId()));
        Note note = notes.getNote(commit.call());
        return note == null ? Optional.empty() : Optional.of(text(note));
    }

    private String text(Note note) throws IOException {
        return new String(git.open(note.getData()).getBytes(), StandardCharsets.UTF_8);
    }
}
