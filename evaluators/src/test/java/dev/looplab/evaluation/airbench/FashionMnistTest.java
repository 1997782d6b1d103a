package dev.looplab.evaluation.airbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @Test
    void theTrainingFileIsTheSixtyThousandImagesThenTheirLabels(@TempDir Path dir) throws IOException {
        // given Debian's Fashion-MNIST
        FashionMnist data = FashionMnist.fromDebianDataset();
        // when the training file is written
        Path file = dir.resolve("train.idx");
        String sha = data.writeTraining(file);
        // then it holds the IDX3 images header and pixels, then the IDX1 labels header and labels
        assertThat(Files.size(file)).isEqualTo(16 + 60_000L * 784 + 8 + 60_000);
        assertThat(sha).isEqualTo(data.trainSha256()).isEqualTo(FashionMnist.sha256(Files.readAllBytes(file)));
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            assertThat(in.readInt()).isEqualTo(0x803);
            assertThat(in.readInt()).isEqualTo(60_000);
            in.skipNBytes(8 + 60_000L * 784);
            assertThat(in.readInt()).isEqualTo(0x801);
            assertThat(in.readInt()).isEqualTo(60_000);
        }
        // and the evaluator keeps the 10,000 test images with labels 0..9
        assertThat(data.testCount()).isEqualTo(10_000);
        assertThat(data.testPixels()).hasSize(10_000 * 784);
        for (byte label : data.testLabels()) {
            assertThat((int) label).isBetween(0, 9);
        }
        assertThat(data.fingerprint()).hasSize(64).isNotEqualTo(data.trainSha256());
    }

    @Test
    void aFixedTwoThousandOfTheTestImagesAreHeldBackFromTheGateAsTheTestPart() {
        // given two independent reads of Debian's Fashion-MNIST
        FashionMnist data = FashionMnist.fromDebianDataset();
        FashionMnist again = FashionMnist.fromDebianDataset();
        // then every t10k image is in exactly one part: 8,000 gate images, 2,000 test images, chosen the same way
        int test = 0;
        int[] classes = new int[FashionMnist.CLASSES];
        for (int i = 0; i < data.testCount(); i++) {
            assertThat(again.isTestImage(i)).isEqualTo(data.isTestImage(i));
            if (data.isTestImage(i)) {
                test++;
                classes[data.testLabels()[i]]++;
            }
        }
        assertThat(test).isEqualTo(FashionMnist.TEST_IMAGES).isEqualTo(data.testPartCount());
        assertThat(data.gateCount()).isEqualTo(FashionMnist.GATE_IMAGES).isEqualTo(8_000);
        // and the shuffle spreads the test part over the classes and over the file, not its tail alone
        assertThat(java.util.Arrays.stream(classes).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(150, 250));
        assertThat(java.util.stream.IntStream.range(0, 5_000).filter(data::isTestImage).count()).isBetween(800L, 1_200L);
        // and the parts have their own fingerprints, both in the split's
        assertThat(data.testSha256()).hasSize(64).isEqualTo(again.testSha256()).isNotEqualTo(data.heldOutSha256());
        assertThat(data.fingerprint()).isEqualTo(again.fingerprint());
    }

    @Test
    void aMissingDatasetSaysWhichPackageToInstall(@TempDir Path empty) {
        // given a folder without the dataset, when read, then the package is named
        assertThatThrownBy(() -> FashionMnist.fromDir(empty))
                .hasMessageContaining("install Debian package dataset-fashion-mnist");
    }
}
