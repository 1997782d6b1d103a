package dev.looplab.lineage.note;

import dev.looplab.events.ArtifactRef;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutcomeNoteTest {

    private static OutcomeNote note(TrialStatus status, Double score, String feedback) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("val_loss", 2.5);
        metrics.put("steps", 120L);
        return new OutcomeNote("17", status, score, Direction.lower, "12", score == null ? null : -0.25, 0.5,
                metrics, 88.5, 12.25, 123_456L, 42L, "golf-mini-bpb", "3", "ab12", "worker-1", 2,
                List.of(new ArtifactRef("model.bin", "sha256/ff", 1000, "ff")), "2sigma", feedback,
                Map.of("jdk", "17.0.15", "threads", "1", "train_steps", "120"), null);
    }

    @ParameterizedTest
    @EnumSource(TrialStatus.class)
    void givenEveryStatus_whenRenderedAndParsed_thenTheNoteComesBackEqual(TrialStatus status) {
        OutcomeNote written = note(status, status.isScored() ? 3.25 : null, "the gain 0.01 does not clear 2 sigma");

        OutcomeNote read = OutcomeNote.parse(written.render());

        assertThat(read).isEqualTo(written);
        assertThat(OutcomeNote.summary(written.render()))
                .isEqualTo(new OutcomeNote.Summary(status, written.score()));
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -1e-300, 1e300})
    void givenANonFiniteOrExtremeScore_whenRoundTripped_thenItIsTheSameNumber(double score) {
        OutcomeNote written = note(TrialStatus.discard, score, null);

        String text = written.render();

        assertThat(OutcomeNote.parse(text).score()).isEqualTo(Double.valueOf(score));
        assertThat(OutcomeNote.summary(text).score()).isEqualTo(Double.valueOf(score));
    }

    @Test
    void givenUnicodeAndMultiLineFeedbackThatQuotesAJsonBlock_whenRoundTripped_thenNothingIsLost() {
        String feedback = "Ünïcödé ✓ 学习率 \"quoted\"\n\tsecond line\n```json\n{\"status\": \"keep\"}\n```\nend \\ ";

        OutcomeNote written = note(TrialStatus.crash, null, feedback);
        String text = written.render();

        assertThat(OutcomeNote.parse(text)).isEqualTo(written);
        assertThat(OutcomeNote.summary(text).status()).isEqualTo(TrialStatus.crash);
        assertThat(text).startsWith("Outcome of trial 17: crash\n").contains("feedback: Ünïcödé ✓ 学习率");
    }

    @Test
    void givenAnImportedTrial_whenRoundTripped_thenItsSourceRowComesBack() {
        OutcomeNote.Imported from = new OutcomeNote.Imported("arr", "arr /data/run1/blackboard", "exp006",
                "disqualified", "val_bpb", "results.tsv", 7, false, "no snapshot of exp006",
                Map.of("exp_id", "exp006", "hypothesis", "multi\nline \"h\"", "expected_delta", "minus_0.0003"));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", 0.91);
        metrics.put("source_status", "disqualified");
        OutcomeNote written = new OutcomeNote("pg-exp006", TrialStatus.gate_miss, 1.21, Direction.lower, "pg-exp002",
                0.01, null, metrics, 600.0, null, null, null, "imported:arr", null, null, null, null, null, null,
                "peeked at unscored tokens", null, from);

        String text = written.render();

        assertThat(OutcomeNote.parse(text)).isEqualTo(written);
        assertThat(text).startsWith("Outcome of trial pg-exp006: gate_miss (imported; arr status disqualified)")
                .contains("score: 1.210000 val_bpb (lower is better)").contains("code unknown: no snapshot of exp006");
    }

    @Test
    void givenANoteWithoutJson_whenSummarised_thenItsStatusLineIsRead_andParseSaysWhatIsMissing() {
        String handWritten = "Outcome of trial 3\nstatus: keep\nscore: 1.0\n";

        assertThat(OutcomeNote.summary(handWritten)).isEqualTo(new OutcomeNote.Summary(TrialStatus.keep, null));
        assertThatThrownBy(() -> OutcomeNote.parse(handWritten)).isInstanceOf(MalformedNoteException.class)
                .hasMessageContaining("no ```json block");
    }

    @Test
    void givenAnUnknownStatusOrANonNumericScore_whenParsed_thenTheFieldIsNamed() {
        String unknown = "x\n\n```json\n{\"trial\": \"1\", \"status\": \"harness_abort\"}\n```\n";
        String wordScore = "x\n\n```json\n{\"trial\": \"1\", \"status\": \"keep\", \"score\": \"high\"}\n```\n";

        assertThatThrownBy(() -> OutcomeNote.parse(unknown)).hasMessageContaining("\"status\" is harness_abort");
        assertThatThrownBy(() -> OutcomeNote.parse(wordScore)).hasMessageContaining("\"score\"");
        assertThat(OutcomeNote.summary(unknown)).isEqualTo(new OutcomeNote.Summary(null, null));
    }

    @Test
    void givenReplayAndNoiseParagraphsOnOneCommit_whenParsed_thenEachComesBackInOrder() {
        RerunNote noise = new RerunNote("5", RerunNote.KIND_NOISE, null, null, null, TrialStatus.discard, 3.9,
                Direction.lower, 7L, Map.of("cpu", "Test CPU"), List.of());
        RerunNote replay = new RerunNote("9", RerunNote.KIND_REPLAY, "4", "identical", "score 3.9 reproduced bit for bit",
                TrialStatus.keep, Double.NaN, Direction.lower, 1L, Map.of(), List.of(new ArtifactRef("m", "k", 1, "s")));

        String note = noise.render() + "\n" + replay.render();

        assertThat(RerunNote.parseAll(note)).containsExactly(noise, replay);
        assertThat(note).contains("Noise-floor run 5 (seed 7): discard").contains("Replay 9 of trial 4: identical")
                .contains("environment: cpu Test CPU");
    }

    @Test
    void givenANewBestWithATestScore_whenRoundTripped_thenTheTestScoreComesBackAndShowsBesideTheScore() {
        OutcomeNote written = note(TrialStatus.keep, 3.25, "kept").withTestScore(3.5);

        String text = written.render();

        assertThat(OutcomeNote.parse(text)).isEqualTo(written);
        assertThat(OutcomeNote.parse(text).testScore()).isEqualTo(3.5);
        assertThat(text).contains("score: 3.250000 (lower is better)\ntest: 3.500000");
        assertThat(OutcomeNote.summary(text)).isEqualTo(new OutcomeNote.Summary(TrialStatus.keep, 3.25));
    }

    @Test
    void givenATrialThatIsNotANewBest_whenRendered_thenTheNoteSaysNothingOfATestScore() {
        OutcomeNote written = note(TrialStatus.discard, 3.25, "discarded");

        String text = written.render();

        assertThat(text).doesNotContain("test").doesNotContain("testScore");
        assertThat(OutcomeNote.parse(text).testScore()).isNull();
    }
}
