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
    void aMissingDatasetSaysWhichPackageToInstall(@TempDir Path empty) {
        // given a folder without the dataset, when read, then the package is named
        assertThatThrownBy(() -> FashionMnist.fromDir(empty))
                .hasMessageContaining("install Debian package dataset-fashion-mnist");
    }
}
