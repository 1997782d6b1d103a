package dev.looplab.platform.outcome;

import dev.looplab.events.ArtifactRef;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.lineage.note.RerunNote;
import dev.looplab.trial.ReplayVerdict;
import dev.looplab.platform.trial.Trial;
import dev.looplab.trial.Direction;

import java.util.List;

/** The notes a recorded trial row becomes; the format itself belongs to {@link OutcomeNote} and {@link RerunNote}. */
final class OutcomeNotes {

    private OutcomeNotes() {
    }

    static OutcomeNote of(Trial t, List<ArtifactRef> artifacts) {
        return new OutcomeNote(t.id, t.status, t.score, direction(t), t.parentTrialId, t.deltaVsParent,
                t.deltaVsBest, t.metrics(), t.trainSeconds, t.evalSeconds, t.artifactBytes, t.seed, t.evaluator,
                t.evaluatorVersion, t.dataSha256, t.worker, t.attempt, artifacts, t.keepRule, t.feedback,
                t.environment(), null, t.testScore);
    }

    static RerunNote rerun(Trial t, ReplayVerdict verdict, List<ArtifactRef> artifacts) {
        return new RerunNote(t.id, Trial.KIND_REPLAY.equals(t.kind) ? RerunNote.KIND_REPLAY : RerunNote.KIND_NOISE,
                t.replayOf, verdict == null ? null : verdict.verdict(), verdict == null ? null : verdict.detail(),
                t.status, t.score, direction(t), t.seed, t.environment(), artifacts);
    }

    private static Direction direction(Trial t) {
        return t.direction == null ? null : Direction.valueOf(t.direction);
    }
}
