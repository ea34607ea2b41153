package io.sslstream.eval;

import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.eval.protocol.FeatureMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelledDatasetTest {

    @Test
    void readsTheShippedSubsetWithinTheLimits() throws IOException {
        LabelledDataset d = LabelledDataset.load("fashion-mnist", TestCheckpoints.SUBSET, 60000, 300);
        assertThat(d.trainCount()).isEqualTo(4000);
        assertThat(d.testCount()).isEqualTo(300);
        assertThat(d.id()).isEqualTo("fashion-mnist@4000/300");
        assertThat(d.channels()).isEqualTo(1);
        assertThat(d.height()).isEqualTo(28);
        assertThat(d.width()).isEqualTo(28);
        assertThat(d.trainLabels()).hasSize(4000).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        FeatureMatrix pixels = d.testPixels();
        assertThat(pixels.rows()).isEqualTo(300);
        assertThat(pixels.cols()).isEqualTo(784);
        byte[] image = d.testImage(0);
        int brightest = 0;
        for (int j = 1; j < image.length; j++) {
            brightest = (image[j] & 0xFF) > (image[brightest] & 0xFF) ? j : brightest;
        }
        assertThat(image[brightest] & 0xFF).isPositive();
        assertThat(pixels.get(0, brightest)).isEqualTo((image[brightest] & 0xFF) / 255f);
        assertThat(pixels.get(0, 0)).isEqualTo((image[0] & 0xFF) / 255f);
    }

    @Test
    void aMissingDatasetSaysHowToGetIt(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> LabelledDataset.load("fashion-mnist", dir.resolve("nowhere"), 10, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nowhere does not exist")
                .hasMessageContaining(FashionMnist.HOW_TO_GET);
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> LabelledDataset.load("fashion-mnist", dir.resolve("empty"), 10, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz is missing")
                .hasMessageContaining(FashionMnist.HOW_TO_GET);
        assertThatThrownBy(() -> LabelledDataset.load("cifar-10", dir, 10, 10))
                .hasMessageContaining("unknown evaluation dataset 'cifar-10' (known: fashion-mnist)");
    }
}
