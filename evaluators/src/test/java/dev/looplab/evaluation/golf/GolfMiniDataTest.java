package dev.looplab.evaluation.golf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GolfMiniDataTest {

    @Test
    void theHeldOutSliceIsWholeRecordsThatTrainingNeverSees() {
        // given the Debian fortunes
        // when split
        GolfMiniData data = GolfMiniData.fromDebianFortunes();
        // then the held-out slice has its fixed size and none of its complete records is in training
        assertThat(data.heldOut()).hasSize(GolfMiniData.HELD_OUT_BYTES);
        assertThat(data.train().length).isGreaterThan(20 * GolfMiniData.HELD_OUT_BYTES);
        Set<String> trainRecords = new HashSet<>(records(data.train()));
        List<String> heldOutRecords = records(data.heldOut());
        List<String> complete = heldOutRecords.subList(0, heldOutRecords.size() - 1); // the last one is cut
        assertThat(complete).hasSizeGreaterThan(20);
        assertThat(complete).noneMatch(trainRecords::contains);
        // and the slice starts on a record boundary: training ends with a separator
        String train = new String(data.train(), StandardCharsets.ISO_8859_1);
        assertThat(train).endsWith("\n%\n");
        assertThat(data.sources()).contains("fortunes", "literature").doesNotContain("fortunes.dat", "fortunes.u8");
    }

    @Test
    void theTestSliceIsLargerWholeRecordsThatNeitherTrainingNorTheValidationSliceHolds(@TempDir Path dir)
            throws IOException {
        // given the Debian fortunes, split, with the training file written as a worker writes it
        GolfMiniData data = GolfMiniData.fromDebianFortunes();
        data.writeTraining(dir.resolve("train.txt"));
        String written = new String(Files.readAllBytes(dir.resolve("train.txt")), StandardCharsets.ISO_8859_1);
        // then the test slice has its fixed size, larger than the validation slice
        assertThat(data.test()).hasSize(GolfMiniData.TEST_BYTES);
        assertThat(GolfMiniData.TEST_BYTES).isGreaterThan(GolfMiniData.HELD_OUT_BYTES);
        // and none of its complete records is in training (the file the recipe reads) or in the validation slice
        Set<String> trainRecords = new HashSet<>(records(data.train()));
        Set<String> validationRecords = new HashSet<>(records(data.heldOut()));
        List<String> testRecords = records(data.test());
        List<String> complete = testRecords.subList(0, testRecords.size() - 1); // the last one is cut
        assertThat(complete).hasSizeGreaterThan(40);
        assertThat(complete).noneMatch(trainRecords::contains).noneMatch(validationRecords::contains);
        assertThat(complete).noneMatch(r -> written.contains("%\n" + r + "%\n"));
        // and its first record starts right after training, on a boundary, before the validation slice
        assertThat(written).endsWith("\n%\n");
        assertThat(written).doesNotContain(new String(data.test(), 0, 4096, StandardCharsets.ISO_8859_1));
        assertThat(data.testSha256()).isNotEqualTo(data.heldOutSha256()).hasSize(64);
    }

    @Test
    void theTestSliceIsTheSameEveryTimeAndPartOfTheFingerprint() {
        // given two independent reads of the corpus
        GolfMiniData first = GolfMiniData.fromDebianFortunes();
        GolfMiniData second = GolfMiniData.fromDebianFortunes();
        // then their test slices agree byte for byte
        assertThat(first.test()).isEqualTo(second.test());
        assertThat(first.testSha256()).isEqualTo(second.testSha256());
        // and the fingerprint every measurement records covers the test slice too
        dev.looplab.evaluation.scoring.DataSplit withoutTest = new dev.looplab.evaluation.scoring.DataSplit() {
            public String writeTraining(Path file) { return first.trainSha256(); }
            public long trainBytes() { return first.trainBytes(); }
            public String trainSha256() { return first.trainSha256(); }
            public String heldOutSha256() { return first.heldOutSha256(); }
        };
        assertThat(first.fingerprint()).isNotEqualTo(withoutTest.fingerprint());
    }

    @Test
    void theSplitIsTheSameEveryTime(@TempDir Path dir) throws IOException {
        // given two independent reads of the corpus
        GolfMiniData first = GolfMiniData.fromDebianFortunes();
        GolfMiniData second = GolfMiniData.fromDebianFortunes();
        // when the training split is written
        String sha = first.writeTraining(dir.resolve("train.txt"));
        // then the bytes and fingerprints agree
        assertThat(sha).isEqualTo(second.trainSha256()).hasSize(64);
        assertThat(Files.readAllBytes(dir.resolve("train.txt"))).isEqualTo(second.train());
        assertThat(first.heldOutSha256()).isEqualTo(second.heldOutSha256());
        assertThat(first.fingerprint()).isEqualTo(second.fingerprint());
    }

    @Test
    void recordsAreTheTextBetweenPercentLines() {
        // given a fortune file with three records, one of them blank
        byte[] file = "one\nline\n%\ntwo\n%\n\n%\n".getBytes(StandardCharsets.ISO_8859_1);
        // when split, then blank records are dropped and the text is kept byte for byte
        assertThat(GolfMiniData.splitRecords(file))
                .extracting(r -> new String(r, StandardCharsets.ISO_8859_1))
                .containsExactly("one\nline\n", "two\n");
    }

    @Test
    void aMissingCorpusSaysWhichPackageToInstall(@TempDir Path empty) {
        // given a folder without fortunes, when read, then the fix is named
        assertThatThrownBy(() -> GolfMiniData.fromFortunesDir(empty.resolve("nothing")))
                .hasMessageContaining("install Debian package fortunes");
        assertThatThrownBy(() -> GolfMiniData.fromFortunesDir(empty))
                .hasMessageContaining("install Debian package fortunes");
    }

    @Test
    void aBigramModelBeatsAUnigramModelOnTheHeldOutSlice() {
        // given the split, when both reference models score the held-out slice
        GolfMiniData data = GolfMiniData.fromDebianFortunes();
        double unigram = ByteNgramBaseline.unigramBpb(data.train(), data.heldOut());
        double bigram = ByteNgramBaseline.bigramBpb(data.train(), data.heldOut());
        System.out.printf("golf-mini reference: unigram %.4f bpb, bigram %.4f bpb%n", unigram, bigram);
        // then both beat uniform (8 bits) and the bigram beats the unigram
        assertThat(unigram).isLessThan(8.0);
        assertThat(bigram).isLessThan(unigram);
    }

    private static List<String> records(byte[] text) {
        return Arrays.stream(new String(text, StandardCharsets.ISO_8859_1).split("\n%\n", -1))
                .filter(r -> !r.isEmpty())
                .toList();
    }
}
